#!/usr/bin/env bash
# The benchmark, tiny: tests/bench/run.sh at SCALE=0.05 (1,000 partners),
# one connection, one second per run, on its own stack.  Proves the script
# still works end to end (seed, SQL capture, wrk, pgbench, the table); its
# figures mean nothing at this size.
#   tests/bench/smoke.sh PROGRAM VAR_DIR PORT
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(BENCH_VAR=${2:?var dir} BENCH_PORT=${3:?port} SCALE=0.05 SECONDS_PER_RUN=1 CONNS=1 \
      "$root/tests/bench/run.sh" "${1:?program}" 2>&1)
rc=$?
rows=$(echo "$out" | grep -cE '^(GET|POST|PATCH) .* req/s .* pgbench +[0-9]+ tps +p50 +[0-9.]+ ms +p99 +[0-9.]+ ms +ratio [0-9.]+$')
if [ $rc -eq 0 ] && [ "$rows" -eq 9 ] && echo "$out" | grep -q '^worker RSS'; then
    echo "ok - bench smoke: 9 routes measured against pgbench, no non-2xx"
else
    echo "not ok - bench smoke: exit $rc, $rows of 9 routes"
    echo "$out" | tail -n 20
fi
