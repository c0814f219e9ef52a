#!/usr/bin/env bash
# `make soak`: the soak test for SOAK_SECONDS (default 600) on its own fresh
# stack (the sanitizer build), a worker killed every SOAK_KILL_EVERY_MS
# (default 3000); then no sanitizer report in any worker's log.
# Usage: tests/soak/run.sh BUILD_DIR
set -euo pipefail

build=${1:?build dir}
root=$(cd "$(dirname "$0")/../.." && pwd)
var=${SOAK_VAR:-$("$root/deploy/var-dir.sh")/soak}
port=${SOAK_PORT:-8095}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

export ADMIN_EMAIL=admin@test.example ADMIN_PASSWORD=admin-test-password DEMO=0 PG_FAST=1
export PARTNERSHIPS_SIGNIN_RATE=1000000r/m PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS=10000
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$var/log/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$var/log/ubsan
mkdir -p "$var/log"
"$root/deploy/stack.sh" start "$var" "$port" "$build/partnerships" --fresh >"$var.log" 2>&1 || { cat "$var.log"; exit 1; }
[ "$(id -u)" -eq 0 ] && chown partnerships "$var/log"
trap '"$root/deploy/stack.sh" stop "$var" >/dev/null 2>&1' EXIT

rc=0
API_BASE="http://127.0.0.1:$port" MASTER_PID=$(cat "$var/run/app.pid") PG_CTL="$pgbin/pg_ctl" PGDATA="$var/pg" \
    SOAK_SECONDS=${SOAK_SECONDS:-600} node --test --test-reporter=spec "$root/tests/soak/" || rc=1
"$root/deploy/stack.sh" stop "$var" >/dev/null 2>&1
if cat "$var"/log/asan* "$var"/log/ubsan* 2>/dev/null | grep -E 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:'; then
    rc=1
fi
exit $rc
