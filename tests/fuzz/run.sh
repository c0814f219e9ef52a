#!/usr/bin/env bash
# Runs every libFuzzer harness in DIR for SECONDS each, from its seed corpus
# (tests/fuzz/corpus/NAME, never written to: new inputs go to a scratch
# copy).  Prints "ok"/"not ok" per harness; a crash leaves its input in
# var/fuzz/NAME/ to be added to the seed corpus once fixed.
#
# Usage: tests/fuzz/run.sh DIR SECONDS
set -uo pipefail

dir=${1:?fuzzer dir} seconds=${2:?seconds}
root=$(cd "$(dirname "$0")/../.." && pwd)
for fuzzer in "$dir"/fuzz_*; do
    [ -x "$fuzzer" ] || continue
    name=${fuzzer##*/fuzz_}
    work=$root/var/fuzz/$name
    rm -rf "$work/corpus"
    mkdir -p "$work/corpus"
    cp "$root/tests/fuzz/corpus/$name"/* "$work/corpus/" 2>/dev/null
    if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/" \
            "$work/corpus" >"$work/log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$work/log" | tail -n 1)
        echo "ok fuzz $name: ${runs:-ran} in ${seconds} s"
    else
        echo "not ok fuzz $name: see $work/log"
        grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$work/log"
    fi
done
