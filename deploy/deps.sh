#!/usr/bin/env bash
# Installs the Debian 12 packages one kind of work needs, when any is missing.
#
#   deploy/deps.sh build          compile the program (make)
#   deploy/deps.sh run            build, and run the local stack (make run)
#   deploy/deps.sh test           run, and every test suite (make test)
#   deploy/deps.sh bench | fuzz   run, and the benchmark or fuzzing tools
#   deploy/deps.sh all            everything above (make deps)
#   deploy/deps.sh --check KIND   exit 1 when anything KIND needs is missing
#
# Installing needs root or sudo (apt-get).  `make run` asks only for what
# building and running need, so a first run does not wait for a browser.
set -euo pipefail

build=(gcc make pkg-config libc6-dev libfcgi-dev libjansson-dev libpq-dev libsodium-dev)
run=(postgresql-15 nginx-light curl gzip)
# Debian 12 packages npm apart from nodejs (a Node.js from elsewhere brings its own).
node=(nodejs)
command -v npm >/dev/null 2>&1 || node+=(npm)
test=(postgresql-15-pgtap "${node[@]}" clang libclang-rt-14-dev chromium fonts-dejavu-core groff-base sqlmap wrk)
bench=(wrk)
fuzz=(clang libclang-rt-14-dev)

wanted() {
    case "$1" in
        build) echo "${build[@]}" ;;
        run) echo "${build[@]}" "${run[@]}" ;;
        test) echo "${build[@]}" "${run[@]}" "${test[@]}" ;;
        bench) echo "${build[@]}" "${run[@]}" "${bench[@]}" ;;
        fuzz) echo "${build[@]}" "${fuzz[@]}" ;;
        all) echo "${build[@]}" "${run[@]}" "${test[@]}" ;;
        *) echo "usage: deploy/deps.sh [--check] build|run|test|bench|fuzz|all" >&2; exit 2 ;;
    esac
}

missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
    done
}

check=""
if [ "${1:-}" = --check ]; then check=1; shift; fi
# shellcheck disable=SC2046
todo=$(missing $(wanted "${1:-all}") | sort -u | tr '\n' ' ')
if [ -n "$check" ]; then [ -z "${todo// }" ]; exit; fi
[ -z "${todo// }" ] && exit 0
echo "installing Debian packages: $todo"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $todo >/dev/null
