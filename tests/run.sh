#!/usr/bin/env bash
# Runs every suite against a fresh private stack and prints one closing line
# "N passed, N failed".  Usage: tests/run.sh BUILD_DIR (the sanitizer build).
#
#   unit  tests/unit/test_*.c      C logic: parsing, validation, routing
#   sql   tests/sql/*.sql          pgTAP: triggers, constraints, row-level security
#   api   tests/api/*.test.mjs     HTTP through nginx against PostgreSQL (node --test)
#   e2e   tests/e2e/*.test.mjs     the frontend in headless Chromium
#   attacks tests/attacks/         sqlmap against every parameter and JSON body that reaches SQL
#   faults, soak                   killed workers, database restarts, concurrent writers; nothing lost
#   logs                           no sanitizer report in any worker's log
set -uo pipefail

build=${1:?build dir}
root=$(cd "$(dirname "$0")/.." && pwd)
var=${TEST_VAR:-$root/var/test}
port=${TEST_PORT:-8091}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
passed=0
failed=0

count() {  # suite passed failed
    echo "== $1: $2 ok, $3 not ok"
    passed=$((passed + $2))
    failed=$((failed + $3))
}

checks() {  # suite command...: a script printing "ok ..."/"not ok ..." lines
    local out
    out=$("${@:2}" 2>&1)
    echo "$out" | grep -v '^ok ' || true
    count "$1" "$(echo "$out" | grep -c '^ok ')" "$(echo "$out" | grep -c '^not ok ')"
}

node_suite() {  # suite node-test-args...: TAP from node --test; no summary counts as a failure
    local out pass fail
    out=$(cd "$root" && node --test --test-reporter=tap "${@:2}" 2>&1)
    echo "$out" | grep -E '^not ok|^# (tests|pass|fail)|^# measured:' || true
    echo "$out" | grep -B2 -A30 '^not ok' | head -n 200 || true
    pass=$(echo "$out" | grep -E '^# pass' | awk '{print $3}')
    fail=$(echo "$out" | grep -E '^# fail' | awk '{print $3}')
    count "$1" "${pass:-0}" "${fail:-1}"
}

# --- unit ------------------------------------------------------------------
for t in "$build"/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    echo "$out" | grep -v '^ok ' || true
    count "unit $(basename "$t")" "$(echo "$out" | grep -c '^ok ')" "$(echo "$out" | grep -Ec '^not ok |ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:')"
done

# --- fuzz (briefly: a crash found once stays found in the seed corpus) -----
checks "fuzz" "$root/tests/fuzz/run.sh" "$(dirname "$build")/fuzz" "${FUZZ_SECONDS:-3}"

# --- the stack -------------------------------------------------------------
export ADMIN_EMAIL=admin@test.example ADMIN_PASSWORD=admin-test-password DEMO=0 PG_FAST=1
export PARTNERSHIPS_WORKERS=${PARTNERSHIPS_WORKERS:-4}
# Tests sign in often from one address: the per-address limit is raised, the
# per-account one (tested) is kept low.
export PARTNERSHIPS_LOGIN_MAX_FAILURES=5 PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS=10000
# ... and nginx's sign-in rate limit (10 a minute in production) is lifted.
export PARTNERSHIPS_SIGNIN_RATE=1000000r/m
# A short statement limit, so that the fault test that hits it is quick.
export PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS=5
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$var/log/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$var/log/ubsan
mkdir -p "$var/log"
if ! "$root/deploy/stack.sh" start "$var" "$port" "$build/partnerships" --fresh >"$root/var/test-stack.log" 2>&1; then
    cat "$root/var/test-stack.log"
    count "stack start" 0 1
    echo "$passed passed, $failed failed"
    exit 1
fi
mkdir -p "$var/log"
[ "$(id -u)" -eq 0 ] && chown partnerships "$var/log"

# --- sql (pgTAP) -----------------------------------------------------------
psql_super() { "$pgbin/psql" -X -q -h "$var/run" -U postgres -d partnerships "$@"; }
psql_super -c 'create extension if not exists pgtap' >/dev/null
for f in "$root"/tests/sql/*.sql; do
    out=$(psql_super -v ON_ERROR_STOP=1 -tA -f "$f" 2>&1)
    rc=$?
    echo "$out" | grep -E '^not ok|^#|ERROR' || true
    ok=$(echo "$out" | grep -c '^ok ')
    bad=$(echo "$out" | grep -c '^not ok ')
    plan=$(echo "$out" | grep -Eo '^1\.\.[0-9]+' | head -n 1 | cut -d. -f3)
    # A script that died, or ran fewer tests than it planned, fails.
    if [ $rc -ne 0 ] || [ -z "$plan" ] || [ $((ok + bad)) -ne "$plan" ]; then bad=$((bad + 1)); fi
    count "sql $(basename "$f")" "$ok" "$bad"
done

# --- api (node --test) -----------------------------------------------------
export API_BASE="http://127.0.0.1:$port"
node_suite "api" --test-concurrency=4 tests/api/

# --- attacks: sqlmap at level 1 (SQLMAP_LEVEL / SQLMAP_RISK for more) -------
checks "attacks sqlmap" "$root/tests/attacks/sqlmap.sh" "$API_BASE" "$var/log/nginx-access.log"

# --- e2e: headless Chromium (Debian) driven by playwright-core ---------------
node_suite "e2e" --test-concurrency=1 tests/e2e/

# --- faults (after the API suite: they kill workers) ------------------------
MASTER_PID=$(cat "$var/run/app.pid") PG_CTL="$pgbin/pg_ctl" PGDATA="$var/pg" NGINX_PID_FILE="$var/nginx/nginx.pid" \
    node_suite "faults" --test-concurrency=1 tests/faults/

# --- soak, briefly (make soak runs it for minutes) ---------------------------
MASTER_PID=$(cat "$var/run/app.pid") PG_CTL="$pgbin/pg_ctl" PGDATA="$var/pg" SOAK_SECONDS=${SOAK_SECONDS:-10} \
    node_suite "soak" tests/soak/

# --- deploy: install, stock nginx, sign-on, backup ---------------------------
checks "deploy nginx_include" "$root/tests/deploy/nginx_include.sh" "$var" $((port + 1))
checks "deploy sso" "$root/tests/deploy/sso.sh" "$var" $((port + 2)) "$build/partnerships"
checks "deploy backup" "$root/tests/deploy/backup.sh" "$var" "$build/partnerships"

# --- bench smoke: make bench's script, tiny, on its own stack ----------------
checks "bench smoke" "$root/tests/bench/smoke.sh" "$build/partnerships" "$var-bench" $((port + 3))

# --- stop, then read the logs ----------------------------------------------
"$root/deploy/stack.sh" stop "$var"
reports=$(cat "$var"/log/asan* "$var"/log/ubsan* 2>/dev/null | grep -Ec 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:')
if [ "${reports:-0}" -gt 0 ]; then
    cat "$var"/log/asan* "$var"/log/ubsan* 2>/dev/null | head -n 80
    count "sanitizers (server)" 0 1
else
    count "sanitizers (server)" 1 0
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
