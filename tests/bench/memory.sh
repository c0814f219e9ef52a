#!/usr/bin/env bash
# Worker memory under a long run: REQUESTS (1,000,000) reads through nginx
# at 16 connections, the read routes in turn (tests/bench/memory.lua), in
# runs of 60 s; prints each worker's resident memory before, after every
# run, and the growth.  Against a stack seeded by tests/bench/seed.sql:
#   BASE=http://127.0.0.1:8089 MASTER_PID=$(cat var/bench/run/app.pid) tests/bench/memory.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want=${REQUESTS:-1000000}
command -v wrk >/dev/null || { echo "memory.sh needs wrk (apt-get install wrk; make bench installs it)" >&2; exit 1; }
rss() { for pid in $(pgrep -P "$MASTER_PID" | sort -n); do awk '/VmRSS/ { printf "%s ", $2 }' "/proc/$pid/status"; done; }
id=$(curl -sf -H 'Authorization: Bearer bench-token-1' "$BASE/api/v1/partners?limit=1&sort=company" |
     sed -E 's/.*"id" *: *"([^"]+)".*/\1/')
before=$(rss)
echo "worker RSS (KiB) before: $before"
done_requests=0 bad=0
while [ "$done_requests" -lt "$want" ]; do
    out=$(wrk -t 2 -c 16 -d 60s -s "$here/memory.lua" "$BASE/" -- "$id")
    n=$(echo "$out" | awk '/requests in/ { print $1 }')
    b=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
    done_requests=$((done_requests + n)) bad=$((bad + ${b:-0}))
    echo "$done_requests requests, $(echo "$out" | awk '/Requests\/sec/ { print $2 }') req/s, non-2xx $bad; RSS $(rss)"
done
after=$(rss)
echo "worker RSS (KiB) after $done_requests requests: $after"
paste <(tr ' ' '\n' <<<"$before" | grep .) <(tr ' ' '\n' <<<"$after" | grep .) |
    awk '{ d = $2 - $1; if (d > max) max = d } END { printf "largest growth: %d KiB\n", max }'
[ "$bad" -eq 0 ]
