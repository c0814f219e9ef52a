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
var=${TEST_VAR:-$("$root/deploy/var-dir.sh")/test}
port=${TEST_PORT:-8091}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
passed=0
failed=0
expected_file=$root/tests/expected-counts
seen=$(mktemp)
trap 'rm -f "$seen"' EXIT

# The number of tests each suite file runs whole, from tests/expected-counts.
expected() { awk -v k="$1" '$0 !~ /^#/ && NF >= 2 { n = $NF; $NF = ""; sub(/ +$/, ""); if ($0 == k) print n }' "$expected_file"; }

# tally NAME PASSED FAILED STATUS [NOT_RUN]: one suite file's result.  It
# fails when a test failed, when its program exited non-zero, when tests
# did not run (cancelled, skipped, todo: NOT_RUN), and when it ran another
# number of tests than tests/expected-counts says: a test that vanishes (a
# crash, a before() that failed, a file that did not load) cannot leave the
# run green.  UPDATE_COUNTS=1 records what ran instead (review the diff).
tally() {
    local name=$1 ok=$2 bad=$3 status=$4 not_run=${5:-0} want ran note=""
    ran=$((ok + bad + not_run))
    echo "$name $ran" >>"$seen"
    if [ "$not_run" -gt 0 ]; then note+=", $not_run did not run (cancelled, skipped or todo)"; fi
    bad=$((bad + not_run))
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; note+=", exit status $status"; fi
    if [ -z "${UPDATE_COUNTS:-}" ]; then
        want=$(expected "$name")
        if [ -z "$want" ]; then bad=$((bad + 1)); note+=", no expected count in tests/expected-counts"
        elif [ "$ran" -ne "$want" ]; then bad=$((bad + 1)); note+=", ran $ran of the $want tests it has"
        fi
    fi
    echo "== $name: $ok ok, $bad not ok$note"
    passed=$((passed + ok))
    failed=$((failed + bad))
}

checks() {  # name command...: a script printing "ok ..."/"not ok ..." lines
    local out rc
    out=$("${@:2}" 2>&1)
    rc=$?
    echo "$out" | grep -v '^ok ' || true
    tally "$1" "$(echo "$out" | grep -c '^ok ')" "$(echo "$out" | grep -c '^not ok ')" "$rc"
}

# node_suite SUITE JOBS FILE...: each file under node --test on its own
# (JOBS at a time), read from its TAP summary.  Node 18 (Debian 12) and
# later alike.
node_suite() {
    local suite=$1 jobs=$2 f out rc pass fail other i=0
    shift 2
    local dir
    dir=$(mktemp -d)
    for f in "$@"; do
        ( cd "$root" && node --test --test-reporter=tap "$f" >"$dir/$(basename "$f").out" 2>&1; echo $? >"$dir/$(basename "$f").rc" ) &
        i=$((i + 1))
        [ $((i % jobs)) -eq 0 ] && wait
    done
    wait
    for f in "$@"; do
        out=$(cat "$dir/$(basename "$f").out")
        rc=$(cat "$dir/$(basename "$f").rc")
        echo "$out" | grep -E '^# measured:' || true
        # A failing subtest of a describe() is indented: its name and error too.
        echo "$out" | grep -B2 -A30 -E '^ *not ok|^# (cancelled|skipped|todo) [1-9]' | head -n 200 || true
        pass=$(echo "$out" | awk '/^# pass /{print $3}')
        fail=$(echo "$out" | awk '/^# fail /{print $3}')
        other=$(echo "$out" | awk '/^# (cancelled|skipped|todo) /{n += $3} END {print n + 0}')
        # No summary at all (the runner itself died) counts as a failure.
        tally "$suite $(basename "$f")" "${pass:-0}" "${fail:-1}" "$rc" "$other"
    done
    rm -rf "$dir"
}

# --- unit ------------------------------------------------------------------
for t in "$build"/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    echo "$out" | grep -v '^ok ' || true
    tally "unit $(basename "$t")" "$(echo "$out" | grep -c '^ok ')" "$(echo "$out" | grep -Ec '^not ok |ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:')" "$rc"
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
# Every reader's search of three letters or more goes through the trigram
# index (sql/034), however few their rows: the tests' readers have few.
export PARTNERSHIPS_SEARCH_INDEX_ROWS=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$var/log/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$var/log/ubsan
mkdir -p "$var/log"
if ! "$root/deploy/stack.sh" start "$var" "$port" "$build/partnerships" --fresh >"$var-stack.log" 2>&1; then
    cat "$var-stack.log"
    tally "stack start" 0 1 1
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
    # A script that ran fewer tests than it planned fails too.
    if [ -z "$plan" ] || [ $((ok + bad)) -ne "$plan" ]; then [ "$rc" -ne 0 ] || rc=1; fi
    tally "sql $(basename "$f")" "$ok" "$bad" "$rc"
done

# --- api (node --test) -----------------------------------------------------
export API_BASE="http://127.0.0.1:$port"
node_suite "api" 4 tests/api/*.test.mjs

# --- attacks: sqlmap at level 1 (SQLMAP_LEVEL / SQLMAP_RISK for more) -------
checks "attacks sqlmap" "$root/tests/attacks/sqlmap.sh" "$API_BASE" "$var/log/nginx-access.log"

# --- e2e: headless Chromium (Debian) driven by playwright-core ---------------
node_suite "e2e" 1 tests/e2e/*.test.mjs

# --- faults (after the API suite: they kill workers) ------------------------
MASTER_PID=$(cat "$var/run/app.pid") PG_CTL="$pgbin/pg_ctl" PGDATA="$var/pg" NGINX_PID_FILE="$var/nginx/nginx.pid" \
    node_suite "faults" 1 tests/faults/*.test.mjs

# --- soak, briefly (make soak runs it for minutes) ---------------------------
MASTER_PID=$(cat "$var/run/app.pid") PG_CTL="$pgbin/pg_ctl" PGDATA="$var/pg" SOAK_SECONDS=${SOAK_SECONDS:-10} \
    node_suite "soak" 1 tests/soak/*.test.mjs

# --- deploy: install, stock nginx, sign-on, backup, schema = migrations, a new field
checks "deploy nginx_include" "$root/tests/deploy/nginx_include.sh" "$var" $((port + 1))
checks "deploy sso" "$root/tests/deploy/sso.sh" "$var" $((port + 2)) "$build/partnerships"
checks "deploy backup" "$root/tests/deploy/backup.sh" "$var" "$build/partnerships"
checks "deploy schema" "$root/tests/deploy/schema.sh" "$var" "$build/partnerships"
checks "deploy new_field" node "$root/tests/deploy/new_field.mjs" "$var-new-field" $((port + 7)) "$build/partnerships"

# --- bench smoke: make bench's script, tiny, on its own stack ----------------
checks "bench smoke" "$root/tests/bench/smoke.sh" "$build/partnerships" "$var-bench" $((port + 3))

# --- stop, then read the logs ----------------------------------------------
"$root/deploy/stack.sh" stop "$var"
reports=$(cat "$var"/log/asan* "$var"/log/ubsan* 2>/dev/null | grep -Ec 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:')
if [ "${reports:-0}" -gt 0 ]; then
    cat "$var"/log/asan* "$var"/log/ubsan* 2>/dev/null | head -n 80
    tally "sanitizers (server)" 0 1 1
else
    tally "sanitizers (server)" 1 0 0
fi

# Every suite file that has an expected count must have run.
while read -r name; do
    grep -qF "$name " "$seen" || tally "$name" 0 0 1
done < <(awk '$0 !~ /^#/ && NF >= 2 { $NF = ""; sub(/ +$/, ""); print }' "$expected_file")
if [ -n "${UPDATE_COUNTS:-}" ]; then
    { sed -n '/^#/p' "$expected_file"; cat "$seen"; } >"$expected_file.new" && mv "$expected_file.new" "$expected_file"
    echo "tests/expected-counts updated: review git diff tests/expected-counts"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
