#!/usr/bin/env bash
# An install as a company would do it: `make install` into a temporary
# DESTDIR, then a stock nginx config with an unrelated site,
# partnerships-http.conf included in http { } and partnerships.conf in a
# server { } of its own, in front of the program the test stack already
# runs.  Checks the installed tree, that both sites answer, that the
# production sign-in rate limit answers 429 in the API's error format, and
# that the security headers are there.  Prints "ok"/"not ok" lines.
#
# Usage: tests/deploy/nginx_include.sh VAR PORT   (VAR: the running test stack)
set -uo pipefail

var=${1:?var} port=${2:?port}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/deploy/lib.sh"
dir=$var/nginx-include
rm -rf "$dir"
mkdir -p "$dir/html" "$dir/tmp"


dest=$dir/root
prefix=/usr/local
check "make install into a DESTDIR" make -s -C "$root" install DESTDIR="$dest" PREFIX="$prefix"
share=$dest$prefix/share/partnerships
for f in bin/partnerships share/partnerships/sql/001_core.sql share/partnerships/frontend/index.html \
         share/partnerships/frontend/openapi.json share/partnerships/nginx/partnerships.conf \
         share/partnerships/nginx/partnerships-http.conf share/partnerships/nginx/example-server.conf \
         lib/systemd/system/partnerships.service lib/systemd/system/partnerships.socket; do
    check "installed: $f" test -s "$dest$prefix/$f"
done
check "installed: /etc/partnerships/partnerships.conf" test -s "$dest/etc/partnerships/partnerships.conf"
check "the units name the installed program" grep -q "^ExecStart=$prefix/bin/partnerships serve" \
    "$dest$prefix/lib/systemd/system/partnerships.service"
check "the installed program documents its settings" grep -q PARTNERSHIPS_DATABASE_URL <("$dest$prefix/bin/partnerships" help)
check "migrate from the installed tree is safe to run again" env PARTNERSHIPS_SQL_DIR="$share/sql" \
    PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_owner" \
    "$dest$prefix/bin/partnerships" migrate

echo "the unrelated site" >"$dir/html/index.html"
cp /etc/nginx/fastcgi_params "$dir/fastcgi_params"
sed -e "s|unix:/run/partnerships/partnerships.sock|unix:$var/run/partnerships.sock|" \
    "$share/nginx/partnerships-http.conf" >"$dir/partnerships-http.conf"
sed -e "s|$prefix/share/partnerships/frontend|$share/frontend|" "$share/nginx/partnerships.conf" >"$dir/partnerships.conf"
nginx_conf "$dir" "

    server {
        listen 127.0.0.1:$port default_server;
        server_name other.test;
        root $dir/html;
    }
    server {
        listen 127.0.0.1:$port;
        server_name partners.test;
        include $dir/partnerships.conf;
    }
"
run=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R partnerships:partnerships "$dir"
    run=(setpriv --reuid=partnerships --regid=partnerships --init-groups --)
fi

if ! "${run[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/start.log"; then
    echo "not ok nginx starts with the snippets included ($(head -c 300 "$dir/start.log" "$dir/error.log" 2>/dev/null))"
    exit 0
fi
echo "ok nginx starts with the snippets included"
url=http://127.0.0.1:$port
get() { curl -s --max-time 5 -H "Host: $1" "$url$2"; }

check "the unrelated site still answers" test "$(get other.test /)" = "the unrelated site"
check "the API answers through the included snippet" test "$(get partners.test /api/v1/health)" = '{"status":"ok","database":"ok"}'
check "the frontend is served" grep -q '<html' <(get partners.test /)
check "the unrelated site does not serve the API" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: other.test' "$url/api/v1/health")" = 404
headers=$(curl -s -D - -o /dev/null -H 'Host: partners.test' "$url/")
check "a strict Content-Security-Policy without inline script" grep -q "script-src 'self';" <<<"$headers"
check "framing is refused" grep -q "frame-ancestors 'none'" <<<"$headers"
check "no nginx version in Server" grep -qx $'Server: nginx\r' <<<"$headers"
check "index.html is never cached" grep -qi $'^Cache-Control: no-cache\r' <<<"$headers"
app=$(get partners.test / | grep -o 'assets/[0-9a-f]\{12\}/js/app.js')
check "the installed index.html loads versioned assets ($app)" test -n "$app"
asset=$(curl -s -D - -o /dev/null -H 'Host: partners.test' "$url/${app%app.js}api.js")
check "a module it imports is served as JavaScript, cached for a year" \
    grep -qi $'^Cache-Control: public, max-age=31536000, immutable\r' <<<"$asset"
check "... with a JavaScript type" grep -qi '^Content-Type: application/javascript' <<<"$asset"
check "the stylesheet is versioned too" test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: partners.test' "$url/${app%js/app.js}css/app.css")" = 200
codes=""
for _ in $(seq 1 15); do
    codes+=$(curl -s -o /dev/null -w '%{http_code} ' -X POST -H 'Host: partners.test' \
             -H 'Content-Type: application/json' -d '{' "$url/api/v1/session")
done
check "sign-in is rate-limited per address (a burst through, then 429): $codes" grep -q '^\(400 \)\{11\}.*429 $' <<<"$codes"
check "the 429 is the API's JSON error" grep -q '"code":"rate_limited"' <(curl -s -X POST -H 'Host: partners.test' \
    -H 'Content-Type: application/json' -d '{' "$url/api/v1/session")
check "other API routes are not limited by it" test "$(get partners.test /api/v1/health)" = '{"status":"ok","database":"ok"}'

kill "$(cat "$dir/nginx.pid")" 2>/dev/null
