#!/usr/bin/env bash
# Sign-on from the company's nginx: a second `serve` instance in
# remote-user mode on the test stack's database, behind an nginx with
# auth_basic and the project's snippets.  nginx's user name becomes the
# user (found or created); a cookie of one user is refused with another's
# name; with the mode off the name is not trusted.  Prints "ok"/"not ok".
#
# Usage: tests/deploy/sso.sh VAR PORT BIN   (VAR: the running test stack)
set -uo pipefail

var=${1:?var} port=${2:?port} bin=${3:?program}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/deploy/lib.sh"
dir=$var/sso
rm -rf "$dir"
mkdir -p "$dir/tmp"
run=()
if [ "$(id -u)" -eq 0 ]; then
    run=(setpriv --reuid=partnerships --regid=partnerships --init-groups --)
fi


printf 'alice:{PLAIN}alice-pw\nbob:{PLAIN}bob-pw\ncarol@elsewhere.test:{PLAIN}carol-pw\n' >"$dir/htpasswd"
cp /etc/nginx/fastcgi_params "$dir/fastcgi_params"
sed -e "s|unix:/run/partnerships/partnerships.sock|unix:$dir/sso.sock|" \
    "$root/deploy/nginx/partnerships-http.conf" >"$dir/partnerships-http.conf"
"$root/deploy/nginx/snippet.sh" / "$var/www" >"$dir/partnerships.conf"
nginx_conf "$dir" "

    # Remote-user mode behind auth_basic.
    server {
        listen 127.0.0.1:$port;
        auth_basic \"Partnerships\";
        auth_basic_user_file $dir/htpasswd;
        include $dir/partnerships.conf;
    }
    # Remote-user mode behind an SSO through auth_request: the SSO (a stand-in
    # on the next port) answers 200 with X-User for a known token, 401 otherwise.
    server {
        listen 127.0.0.1:$((port + 3));
        auth_request /sso-check;
        auth_request_set \$partnerships_user \$upstream_http_x_user;
        location = /sso-check {
            internal;
            auth_request off;
            proxy_pass http://127.0.0.1:$((port + 4))/check;
            proxy_pass_request_body off;
            proxy_set_header Content-Length \"\";
        }
        include $dir/partnerships.conf;
    }
    server {
        listen 127.0.0.1:$((port + 4));
        location = /check {
            if (\$http_x_sso_token != \"token-of-erin\") { return 401; }
            add_header X-User erin;
            return 200;
        }
    }
    # Two serve instances (as if on two hosts) behind one upstream.
    upstream two_instances {
        server unix:$var/run/partnerships.sock;
        server unix:$dir/sso.sock;
    }
    server {
        listen 127.0.0.1:$((port + 2));
        location /api/ {
            fastcgi_pass two_instances;
            include $dir/fastcgi_params;
            fastcgi_param DOCUMENT_URI \$uri;
        }
    }
    # The test stack's own program (password mode) behind the same auth_basic.
    server {
        listen 127.0.0.1:$((port + 1));
        auth_basic \"Partnerships\";
        auth_basic_user_file $dir/htpasswd;
        location /api/ {
            fastcgi_pass unix:$var/run/partnerships.sock;
            include $dir/fastcgi_params;
            fastcgi_param DOCUMENT_URI \$uri;
            fastcgi_param REMOTE_USER \$remote_user;
        }
    }
"
[ "$(id -u)" -eq 0 ] && chown -R partnerships:partnerships "$dir"

# Its settings come from a settings file, as under systemd.
settings() {  # session hours, and any further lines
    cat >"$dir/settings.conf" <<CONF
# as /etc/partnerships/partnerships.conf
PARTNERSHIPS_AUTH_MODE=remote-user
PARTNERSHIPS_REMOTE_USER_DOMAIN=sso.test
PARTNERSHIPS_WORKERS=4
PARTNERSHIPS_COOKIE_SECURE=0
PARTNERSHIPS_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_app"
PARTNERSHIPS_SESSION_HOURS=$1
${2:-}
CONF
}
settings 12
[ "$(id -u)" -eq 0 ] && chown partnerships "$dir/settings.conf"
PARTNERSHIPS_CONFIG="$dir/settings.conf" PARTNERSHIPS_SOCKET="$dir/sso.sock" \
    "${run[@]}" "$bin" serve >"$dir/app.log" 2>&1 </dev/null &
app=$!
for _ in $(seq 100); do [ -S "$dir/sso.sock" ] && break; sleep 0.05; done
if ! "${run[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/start.log"; then
    echo "not ok nginx with auth_basic starts ($(head -c 300 "$dir/start.log"))"
    kill "$app"
    exit 0
fi

sso=http://127.0.0.1:$port/api/v1
plain=http://127.0.0.1:$((port + 1))/api/v1
jar=$dir/alice.jar
json=(-H 'Content-Type: application/json')
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

check "without nginx's sign-on there is no way in" test "$(status -X POST "${json[@]}" -d '{}' "$sso/session")" = 401
body=$(curl -s -c "$jar" -u alice:alice-pw -X POST "${json[@]}" -d '{}' "$sso/session")
check "the sign-on name becomes a user (created as a member, with the domain)" \
    grep -q '"email" *: *"alice@sso.test".*"role" *: *"member"' <<<"$body"
check "and the session works for that user" test "$(status -b "$jar" -u alice:alice-pw "$sso/me")" = 200
check "the same name finds the same user again" test \
    "$(curl -s -u alice:alice-pw -X POST "${json[@]}" -d '{}' "$sso/session" | grep -o '"id" *: *"[^"]*"' | head -1)" = \
    "$(grep -o '"id" *: *"[^"]*"' <<<"$body" | head -1)"
check "a session cookie used under another sign-on name is refused" \
    test "$(status -b "$jar" -u bob:bob-pw "$sso/me")" = 401
check "a name with @ is used as it is" grep -q '"email" *: *"carol@elsewhere.test"' \
    <(curl -s -u carol@elsewhere.test:carol-pw -X POST "${json[@]}" -d '{}' "$sso/session")
check "with the mode off, nginx's name is not trusted (422: email and password needed)" \
    test "$(status -u alice:alice-pw -X POST "${json[@]}" -d '{}' "$plain/session")" = 422
check "a client cannot pass a name in a header" \
    test "$(status -H 'Remote-User: alice' -H 'X-Remote-User: alice' -X POST "${json[@]}" -d '{}' "$sso/session")" = 401

sso2=http://127.0.0.1:$((port + 3))/api/v1
check "behind auth_request, the SSO's user name becomes the user" grep -q '"email" *: *"erin@sso.test"' \
    <(curl -s -H 'X-Sso-Token: token-of-erin' -X POST "${json[@]}" -d '{}' "$sso2/session")
check "... and without the SSO's yes there is no way in (401 from nginx)" \
    test "$(status -H 'X-Sso-Token: forged' -X POST "${json[@]}" -d '{}' "$sso2/session")" = 401
check "... nor with a user name in a header" test "$(status -H 'X-User: erin' -H 'Remote-User: erin' \
    -X POST "${json[@]}" -d '{}' "$sso2/session")" = 401

# user passwd: the new password signs in, the old one no longer does, and
# the user's sessions end.
owner=(env PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_owner")
printf 'first-password-1\n' | "${owner[@]}" "$bin" user add dora@pw.test Dora >/dev/null
dora=$dir/dora.jar
curl -s -o /dev/null -c "$dora" -u alice:alice-pw "${json[@]}" \
    -d '{"email":"dora@pw.test","password":"first-password-1"}' "$plain/session"
check "user add: the user signs in" test "$(status -b "$dora" -u alice:alice-pw "$plain/me")" = 200
check "user passwd sets the password" "${owner[@]}" "$bin" user passwd dora@pw.test <<<"second-password-2"
check "... and ends the user's sessions" test "$(status -b "$dora" -u alice:alice-pw "$plain/me")" = 401
check "... the new password signs in" test "$(status -u alice:alice-pw "${json[@]}" \
    -d '{"email":"dora@pw.test","password":"second-password-2"}' "$plain/session")" = 200
check "... the old one does not" test "$(status -u alice:alice-pw "${json[@]}" \
    -d '{"email":"dora@pw.test","password":"first-password-1"}' "$plain/session")" = 401
# It must fail because there is no such user (exit status 1 and the message
# that says so), not for any reason at all (such as a database it cannot reach).
"${owner[@]}" "$bin" user passwd nobody@pw.test <<<'third-password-3' >"$dir/passwd-nobody.out" 2>&1
rc=$?
check "user passwd of nobody fails: no such user (exit status $rc: $(paste -sd ' ' "$dir/passwd-nobody.out" | head -c 200))" \
    test "$rc $(cat "$dir/passwd-nobody.out")" = "1 partnerships: no user with the email nobody@pw.test"

# Two instances behind one upstream: both answer.
before=$(grep -c 'path="/api/v1/health"' "$var/log/app.log")
codes=$(for _ in $(seq 20); do status "http://127.0.0.1:$((port + 2))/api/v1/health"; echo; done | sort | uniq -c | xargs)
check "two serve instances behind one upstream: every request answered ($codes)" test "$codes" = "20 200"
check "... by both instances" test "$(grep -c 'path="/api/v1/health"' "$dir/app.log")" -gt 0 -a \
    "$(grep -c 'path="/api/v1/health"' "$var/log/app.log")" -gt "$before"

# SIGHUP under load: workers are replaced, no request is lost.
seq 400 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" -u alice:alice-pw "$sso/me" \
    >"$dir/load.txt" &
load=$!
for _ in 1 2 3; do sleep 0.3; kill -HUP "$app"; done
wait "$load"
codes=$(sort "$dir/load.txt" | uniq -c | xargs)
check "SIGHUP three times under load loses no request ($codes)" test "$codes" = "400 200"
check "... and the workers were replaced" test "$(grep -c 'reload: workers replaced' "$dir/app.log")" -eq 3

# A reload applies changed settings; a settings error keeps the running ones.
max_age() { curl -s -D - -o /dev/null -u alice:alice-pw -X POST "${json[@]}" -d '{}' "$sso/session" |
            grep -o 'Max-Age=[0-9]*'; }
got=$(max_age)
check "sessions last the file's 12 hours ($got)" test "$got" = Max-Age=43200
settings 2
kill -HUP "$app"
sleep 0.5
got=$(max_age)
check "after the file changes and a reload, new sessions last 2 hours ($got)" test "$got" = Max-Age=7200
settings 3 PARTNERSHIPS_SESION_HOURS=1
kill -HUP "$app"
sleep 0.5
check "a misspelt setting in the file is named in the log" grep -q 'PARTNERSHIPS_SESION_HOURS is not a setting' "$dir/app.log"
got=$(max_age)
check "... and the running settings stay (2 hours: $got)" test "$got" = Max-Age=7200
check "... and requests are still served" test "$(status -b "$jar" -u alice:alice-pw "$sso/me")" = 200

kill "$(cat "$dir/nginx.pid")" "$app" 2>/dev/null
wait "$app" 2>/dev/null
