#!/usr/bin/env bash
# An install as a company would do it: `make install URL_PATH=/partners/`
# into a temporary DESTDIR, then a stock nginx config whose site serves
# something unrelated at /, with partnerships-http.conf included in http { }
# and partnerships.conf in that site's server { }, in front of the program
# the test stack already runs.  Checks the installed tree, that the site
# still answers and the app answers under /partners/ (pages, assets, API,
# a session whose cookie stays under /partners/api/), that the production
# sign-in rate limit answers 429 in the API's error format, and that the
# security headers are there.  Prints "ok"/"not ok" lines.
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
check "make install into a DESTDIR" make -s -C "$root" install DESTDIR="$dest" PREFIX="$prefix" URL_PATH=/partners/
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
man=$dest$prefix/share/man/man8/partnerships.8
check "the man page is installed and renders without a warning" \
    test -s "$man" -a -z "$(groff -man -Tutf8 -ww -z "$man" 2>&1)"
page=$(groff -man -Tutf8 -P-cbou "$man" 2>/dev/null)
missing=""
for name in $("$dest$prefix/bin/partnerships" help | grep -o '^  PARTNERSHIPS_[A-Z_]*'); do
    grep -q "$name" <<<"$page" || missing+=" $name"
done
check "the man page documents every setting the program reads (missing:${missing:- none})" test -z "$missing"
for name in $(grep -ho '"PARTNERSHIPS_[A-Z_]*"' "$root"/fcgi/*.c | tr -d '"' | sort -u); do
    grep -q "$name" <<<"$page" || missing+=" $name"
done
check "... and every one its source names (missing:${missing:- none})" test -z "$missing"
check "migrate from the installed tree is safe to run again" env PARTNERSHIPS_SQL_DIR="$share/sql" \
    PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_owner" \
    "$dest$prefix/bin/partnerships" migrate

echo "the unrelated site" >"$dir/html/index.html"
echo "its other page" >"$dir/html/partners.html"
cp /etc/nginx/fastcgi_params "$dir/fastcgi_params"
sed -e "s|unix:/run/partnerships/partnerships.sock|unix:$var/run/partnerships.sock|" \
    "$share/nginx/partnerships-http.conf" >"$dir/partnerships-http.conf"
sed -e "s|$prefix/share/partnerships/frontend|$share/frontend|" "$share/nginx/partnerships.conf" >"$dir/partnerships.conf"
nginx_conf "$dir" "

    server {
        listen 127.0.0.1:$port;
        server_name www.test;
        location / {
            root $dir/html;
        }
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
url=http://127.0.0.1:$port/partners
get() { curl -s --max-time 5 "$url$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

check "the site's own page still answers" test "$(curl -s "http://127.0.0.1:$port/")" = "the unrelated site"
check "... and one whose name starts like the prefix" test "$(curl -s "http://127.0.0.1:$port/partners.html")" = "its other page"
check "the site's paths outside the prefix do not reach the API" test "$(code "http://127.0.0.1:$port/api/v1/health")" = 404
check "the API answers under /partners/api/" test "$(get /api/v1/health)" = '{"status":"ok","database":"ok"}'
check "its errors are the API's (an unknown route under the prefix)" grep -q '"code":"not_found"' <(get /api/v1/nope)
check "the frontend is served at /partners/" grep -q '<html' <(get /)
check "/partners redirects to /partners/" grep -qi $'^Location: .*/partners/\r' <(curl -s -D - -o /dev/null "$url")
headers=$(curl -s -D - -o /dev/null "$url/")
check "a strict Content-Security-Policy without inline script" grep -q "script-src 'self';" <<<"$headers"
check "framing is refused" grep -q "frame-ancestors 'none'" <<<"$headers"
check "no nginx version in Server" grep -qx $'Server: nginx\r' <<<"$headers"
check "index.html is never cached" grep -qi $'^Cache-Control: no-cache\r' <<<"$headers"
app=$(get / | grep -o 'assets/[0-9a-f]\{12\}/js/app.js')
check "the installed index.html loads versioned assets ($app)" test -n "$app"
asset=$(curl -s -D - -o /dev/null "$url/${app%app.js}api.js")
check "a module it imports is served under the prefix as JavaScript, cached for a year" \
    grep -qi $'^Cache-Control: public, max-age=31536000, immutable\r' <<<"$asset"
check "... with a JavaScript type" grep -qi '^Content-Type: application/javascript' <<<"$asset"
check "the stylesheet is versioned too" test "$(code "$url/${app%js/app.js}css/app.css")" = 200

jar=$dir/cookies
signin=$(curl -s -D - -o "$dir/signin.json" -c "$jar" -H 'Content-Type: application/json' \
         -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" "$url/api/v1/session")
check "signing in under the prefix works" grep -q '"csrfToken"' "$dir/signin.json"
check "the session cookie is sent only to the app's API (Path=/partners/api/)" \
    grep -qi '^Set-Cookie: .*; Path=/partners/api/;.*HttpOnly' <<<"$signin"
check "the session serves the API under the prefix" grep -q "\"email\":\"$ADMIN_EMAIL\"" <(curl -s -b "$jar" "$url/api/v1/me")
if out=$(node "$root/tests/e2e/signin.mjs" "$url/" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" \
           "$var/prefix-signin-failure.png" 2>&1); then
    echo "ok the app signs in and shows the Overview in a browser under /partners/"
else
    echo "not ok the app signs in and shows the Overview in a browser under /partners/: $(tr '\n' ' ' <<<"$out" | head -c 600)"
fi

codes=""
for _ in $(seq 1 15); do
    codes+=$(code -X POST -H 'Content-Type: application/json' -d '{' "$url/api/v1/session")' '
done
check "sign-in is rate-limited per address (a burst through, then 429): $codes" grep -q '^\(400 \)\{5,\}.*429 $' <<<"$codes"
# The limit refills one request every 6 s: under load, the request after the
# burst may be let through again, so the body of the next 429 is read.
limited=""
for _ in $(seq 1 5); do
    limited=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' -d '{' "$url/api/v1/session")
    [ "${limited##*$'\n'}" = 429 ] && break
done
check "the 429 is the API's JSON error" grep -q '"code":"rate_limited"' <<<"$limited"
check "other API routes are not limited by it" test "$(get /api/v1/health)" = '{"status":"ok","database":"ok"}'

# With no program behind the socket, nginx's own 502 is the API's JSON error.
sed -i "s|unix:$var/run/partnerships.sock|unix:$dir/nobody.sock|" "$dir/partnerships-http.conf"
"${run[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -s reload 2>/dev/null
sleep 1
down=$(curl -s -D - "$url/api/v1/health")
check "with no program, nginx's 502 is the API's JSON error" grep -q '"code":"unavailable"' <<<"$down"
check "... served as application/json" grep -qi '^Content-Type: application/json' <<<"$down"

kill "$(cat "$dir/nginx.pid")" 2>/dev/null
