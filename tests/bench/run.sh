#!/usr/bin/env bash
# make bench: a fresh private stack (PostgreSQL without fsync, 4 workers,
# nginx) on BENCH_PORT (8089), the company of tests/bench/seed.sql at SCALE
# (1), then tests/bench/bench.mjs: every route (or those ROUTES, a regular
# expression, matches) with wrk through nginx and with
# pgbench running the same SQL, SECONDS_PER_RUN (5) each at CONNS ("1 16 64").
# EXTRA_SQL: a file of SQL applied after the seed (a change measured before
# it is made); PLANS=1: each route's SQL also with plans forced generic and
# forced custom (bench.mjs); SORTS=1: every sortable column instead
# (sorts.mjs).
# Usage: tests/bench/run.sh PROGRAM
set -euo pipefail
bin=${1:?program}
root=$(cd "$(dirname "$0")/../.." && pwd)
var=${BENCH_VAR:-$("$root/deploy/var-dir.sh")/bench}
port=${BENCH_PORT:-8089}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
command -v wrk >/dev/null || {
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
}

export ADMIN_EMAIL=admin@bench.example ADMIN_PASSWORD=bench-admin-password DEMO=0 PG_FAST=1
export PARTNERSHIPS_WORKERS=${PARTNERSHIPS_WORKERS:-4}
"$root/deploy/stack.sh" stop "$var" >/dev/null 2>&1 || true
"$root/deploy/stack.sh" start "$var" "$port" "$bin" --fresh >"$var.log" 2>&1 || { cat "$var.log"; exit 1; }
trap '"$root/deploy/stack.sh" stop "$var" >/dev/null 2>&1' EXIT
echo "seeding SCALE=${SCALE:-1} …"
start=$(date +%s)
"$pgbin/psql" -X -q -h "$var/run" -U postgres -d partnerships -v scale="${SCALE:-1}" -f "$root/tests/bench/seed.sql"
echo "seeded in $(( $(date +%s) - start )) s; $(nproc) cores, $PARTNERSHIPS_WORKERS workers, ${SECONDS_PER_RUN:-5} s per run"
# A change to the schema tried before it becomes a migration (an index, a
# setting): applied as the owner after the seed, then analysed.
if [ -n "${EXTRA_SQL:-}" ]; then
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$var/run" -U partnerships_owner -d partnerships -f "$EXTRA_SQL"
    "$pgbin/psql" -X -q -h "$var/run" -U postgres -d partnerships -c analyze
    echo "applied $EXTRA_SQL"
fi
# The hand-written service measured beside the program (tests/bench/peer.mjs),
# on the same database, connected as the superuser (it does ownership in SQL).
peer_port=${PEER_PORT:-$((port + 10))}
[ -d "$root/tests/node_modules/fastify" ] || (cd "$root/tests" && npm ci --no-audit --no-fund --loglevel=error)
PGHOST=$var/run PEER_PORT=$peer_port node "$root/tests/bench/peer.mjs" >"$var/log/peer.log" 2>&1 &
peer_pid=$!
trap 'kill $peer_pid 2>/dev/null; "$root/deploy/stack.sh" stop "$var" >/dev/null 2>&1' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$peer_port/api/v1/overview" && break; sleep 0.2; done
if [ -n "${SORTS:-}" ]; then
    BASE=http://127.0.0.1:$port PGHOST=$var/run PGBIN=$pgbin node "$root/tests/bench/sorts.mjs"
    exit
fi
BASE=http://127.0.0.1:$port PEER=http://127.0.0.1:$peer_port PGHOST=$var/run PGLOG=$var/log/postgres.log \
    MASTER_PID=$(cat "$var/run/app.pid") PGBIN=$pgbin node "$root/tests/bench/bench.mjs"
