#!/usr/bin/env bash
# The benchmark, tiny: tests/bench/run.sh at SCALE=0.05 (1,000 partners),
# one connection, one second per run, on its own stack.  Proves the script
# still works end to end (seed, SQL capture, wrk, pgbench, the hand-written
# peer and its agreement with the program, the table); its figures mean
# nothing at this size.
#   tests/bench/smoke.sh PROGRAM VAR_DIR PORT
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(BENCH_VAR=${2:?var dir} BENCH_PORT=${3:?port} SCALE=0.05 SECONDS_PER_RUN=1 CONNS=1 \
      "$root/tests/bench/run.sh" "${1:?program}" 2>&1)
rc=$?
rows=$(echo "$out" | grep -cE '^(GET|POST|PATCH) .* req/s .* pgbench +[0-9]+ tps +p50 +[0-9.]+ ms +p99 +[0-9.]+ ms +ratio [0-9.]+ +HTTP path +-?[0-9]+ us/req$')
peer=$(echo "$out" | grep -cE '^  the peer .* req/s .* ours/peer [0-9.]+ +p99 ours/peer [0-9.]+$')
if [ $rc -eq 0 ] && [ "$rows" -eq 11 ] && [ "$peer" -eq 8 ] && echo "$out" | grep -q '^ok - the peer agrees' &&
    echo "$out" | grep -q '^worker RSS'; then
    echo "ok - bench smoke: 11 routes measured against pgbench, 8 against the hand-written peer (which agrees on a sample), no non-2xx"
else
    echo "not ok - bench smoke: exit $rc, $rows of 11 routes, $peer of 8 beside the peer"
    echo "$out" | tail -n 25
fi
