#!/usr/bin/env bash
# The whole local stack: a private PostgreSQL cluster, the FastCGI program
# and an unprivileged nginx, all under one directory.  Used by `make run` and
# by the tests.
#
#   deploy/stack.sh run   VAR PORT BINARY   start, print the address, stop on Ctrl-C/SIGTERM
#   deploy/stack.sh start VAR PORT BINARY   start in the background (add --fresh to wipe VAR first)
#   deploy/stack.sh stop  VAR               stop whatever runs under VAR
#
# Environment: ADMIN_EMAIL, ADMIN_PASSWORD (the first admin, when the database
# has no user; a password is generated and printed once otherwise), DEMO=0 (no
# demo data), PARTNERSHIPS_WORKERS (default 4), PARTNERSHIPS_SIGNIN_RATE (nginx,
# default 10r/m per address), PG_FAST=1 (no fsync: tests).
# Run as root, every server runs as the system user `partnerships`
# (PostgreSQL refuses to run as root).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
run_user=partnerships

die() { echo "stack: $*" >&2; exit 1; }

as_user() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid="$run_user" --regid="$run_user" --init-groups -- "$@"
    else
        "$@"
    fi
}

ensure_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    id "$run_user" >/dev/null 2>&1 ||
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$run_user"
}

# The servers run as $run_user: what they are given must be within its reach
# (deploy/var-dir.sh keeps make's var/ there for a checkout under /root).
ensure_reach() {
    local path
    for path in "$@"; do
        as_user test -r "$path" || die "user $run_user cannot read $path; use a VAR directory other users can reach"
    done
}

pg_up() {
    local var=$1
    if [ ! -f "$var/pg/PG_VERSION" ]; then
        as_user "$pgbin/initdb" -D "$var/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$var/log/initdb.log" ||
            die "initdb failed; see $var/log/initdb.log"
        cat >>"$var/pg/postgresql.conf" <<EOF
# Private cluster of the local stack: unix socket only.
listen_addresses = ''
unix_socket_directories = '$var/run'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 128MB
EOF
        # PG_FAST (tests): no fsync, which only matters if the machine itself
        # crashes.  synchronous_commit stays on: a commit is in the WAL before
        # it is answered, so a crashed or killed PostgreSQL loses nothing that
        # was acknowledged (the fault tests check exactly that).
        if [ "${PG_FAST:-0}" = 1 ]; then
            printf 'fsync = off\nfull_page_writes = off\n' >>"$var/pg/postgresql.conf"
        fi
    fi
    as_user "$pgbin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1 && return 0
    as_user "$pgbin/pg_ctl" -D "$var/pg" -l "$var/log/postgres.log" -w -t 60 start >/dev/null ||
        die "PostgreSQL did not start; see $var/log/postgres.log"
}

psql_super() {
    local var=$1; shift
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$var/run" -U postgres "$@"
}

db_setup() {
    local var=$1
    # The owner holds the schema; the application role owns nothing and is
    # subject to row-level security.  It switches to the portal's role for a
    # partner's contact (sql/031), whose grants it does not inherit.  A
    # search's matches are found by a function owned by partnerships_search,
    # which row-level security does not apply to (sql/034).
    psql_super "$var" -d postgres <<'EOF'
select 'create role partnerships_owner login' where not exists (select from pg_roles where rolname = 'partnerships_owner') \gexec
select 'create role partnerships_app login nosuperuser nocreatedb nocreaterole nobypassrls noinherit' where not exists (select from pg_roles where rolname = 'partnerships_app') \gexec
select 'create role partnerships_portal nologin nosuperuser nocreatedb nocreaterole nobypassrls' where not exists (select from pg_roles where rolname = 'partnerships_portal') \gexec
alter role partnerships_app noinherit;
select 'grant partnerships_portal to partnerships_app' where not pg_has_role('partnerships_app', 'partnerships_portal', 'MEMBER') \gexec
select 'create role partnerships_search nologin nosuperuser nocreatedb nocreaterole bypassrls' where not exists (select from pg_roles where rolname = 'partnerships_search') \gexec
select 'grant partnerships_search to partnerships_owner' where not pg_has_role('partnerships_owner', 'partnerships_search', 'MEMBER') \gexec
select 'create database partnerships owner partnerships_owner' where not exists (select from pg_database where datname = 'partnerships') \gexec
EOF
}

start() {
    local var=$1 port=$2 bin=$3 fresh=${4:-}
    [ -x "$bin" ] || die "no program at $bin (run make)"
    if [ "$fresh" = --fresh ]; then
        stop "$var" 2>/dev/null || true
        rm -rf "$var"
    fi
    ensure_user
    mkdir -p "$var/run" "$var/log" "$var/nginx"
    # The frontend as make install lays it out: versioned assets, precompressed.
    "$here/frontend.sh" "$root/frontend" "$var/www"
    [ "$(id -u)" -eq 0 ] && chown -R "$run_user:$run_user" "$var"
    chmod 0700 "$var/run"
    ensure_reach "$var/www/index.html" "$bin"

    pg_up "$var"
    db_setup "$var"
    export PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_owner"
    export PARTNERSHIPS_DATABASE_URL="host=$var/run dbname=partnerships user=partnerships_app"
    export PARTNERSHIPS_SQL_DIR="$root/sql"
    "$bin" migrate >"$var/log/migrate.log" 2>&1 || { cat "$var/log/migrate.log" >&2; die "migration failed"; }

    local email=${ADMIN_EMAIL:-admin@example.com} password=${ADMIN_PASSWORD:-} generated=""
    if [ -z "$password" ]; then
        password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
        generated=1
    fi
    if printf '%s\n' "$password" | "$bin" user add --admin --if-no-users "$email" "Admin" | grep -q '^added'; then
        if [ -n "$generated" ]; then
            echo "first admin: $email  password: $password  (shown once; change it with: $bin user passwd $email)"
        else
            echo "first admin: $email (password from ADMIN_PASSWORD)"
        fi
    fi
    if [ "${DEMO:-1}" != 0 ] && [ "$(psql_super "$var" -d partnerships -tAc 'select count(*) from partners')" = 0 ]; then
        psql_super "$var" -d partnerships -v admin_email="$email" -f "$here/demo.sql" >/dev/null
        echo "demo data loaded (DEMO=0 to start empty)"
    fi

    local workers=${PARTNERSHIPS_WORKERS:-4}
    rm -f "$var/run/partnerships.sock"
    local drop=()
    [ "$(id -u)" -eq 0 ] && drop=(setpriv --reuid="$run_user" --regid="$run_user" --init-groups --)
    # setsid: Ctrl-C reaches only this script, which stops the servers in order.
    PARTNERSHIPS_SOCKET="$var/run/partnerships.sock" PARTNERSHIPS_WORKERS="$workers" \
        PARTNERSHIPS_COOKIE_SECURE="${PARTNERSHIPS_COOKIE_SECURE:-0}" \
        setsid "${drop[@]}" "$bin" serve >>"$var/log/app.log" 2>&1 </dev/null &
    echo $! >"$var/run/app.pid"
    for _ in $(seq 100); do [ -S "$var/run/partnerships.sock" ] && break; sleep 0.05; done
    [ -S "$var/run/partnerships.sock" ] || die "the program did not start; see $var/log/app.log"

    cp /etc/nginx/fastcgi_params "$var/nginx/fastcgi_params"
    "$here/nginx/snippet.sh" / "$var/www" >"$var/nginx/partnerships.conf"
    sed -e "s|unix:/run/partnerships/partnerships.sock|unix:$var/run/partnerships.sock|" \
        -e "s|rate=10r/m|rate=${PARTNERSHIPS_SIGNIN_RATE:-10r/m}|" \
        "$here/nginx/partnerships-http.conf" >"$var/nginx/partnerships-http.conf"
    sed -e "s|@VAR@|$var|g" -e "s|@PORT@|$port|g" "$here/nginx/local.conf.in" >"$var/nginx/nginx.conf"
    [ "$(id -u)" -eq 0 ] && chown -R "$run_user:$run_user" "$var/nginx"
    as_user nginx -e "$var/log/nginx-error.log" -p "$var/nginx" -c "$var/nginx/nginx.conf" ||
        die "nginx did not start; see $var/log/nginx-error.log"

    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "the stack does not answer on port $port; see $var/log/"
}

stop() {
    local var=$1
    if [ -f "$var/nginx/nginx.pid" ]; then
        kill -QUIT "$(cat "$var/nginx/nginx.pid")" 2>/dev/null || true
        for _ in $(seq 50); do [ -f "$var/nginx/nginx.pid" ] || break; sleep 0.1; done
    fi
    if [ -f "$var/run/app.pid" ]; then
        local pid
        pid=$(cat "$var/run/app.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$var/run/app.pid"
    fi
    if [ -f "$var/pg/postmaster.pid" ]; then
        as_user "$pgbin/pg_ctl" -D "$var/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

run() {
    local var=$1 port=$2 bin=$3
    stop "$var" 2>/dev/null || true
    start "$var" "$port" "$bin"
    trap 'echo; echo "stopping..."; stop "$var"; echo "stopped; data kept in $var"; exit 0' INT TERM
    echo "Partnerships is running at http://127.0.0.1:$port/  (API: /api/v1, logs: $var/log/)"
    echo "Ctrl-C stops it."
    while true; do sleep 3600 & wait $!; done
}

cmd=${1:-}
shift || true
# Servers are given real paths: a VAR reached through a link they cannot follow
# (./var -> /var/lib/..., deploy/var-dir.sh) would not do.
if [ $# -gt 0 ]; then
    mkdir -p "$1"
    set -- "$(readlink -f "$1")" "${@:2}"
fi
case "$cmd" in
    run) run "$@" ;;
    start) start "$@" ;;
    stop) stop "$@" ;;
    *) die "usage: stack.sh run|start|stop VAR [PORT BINARY]" ;;
esac
