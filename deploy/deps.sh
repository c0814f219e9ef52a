#!/usr/bin/env bash
# Installs the Debian packages Partnerships needs to build, run and test.
#   deploy/deps.sh                install what is missing (needs root or sudo)
#   deploy/deps.sh --check        exit 1 when anything is missing
#   deploy/deps.sh --check-build  the same, for the build packages only
set -euo pipefail

build=(gcc make pkg-config libfcgi-dev libjansson-dev libpq-dev libsodium-dev)
run=(postgresql-15 nginx-light curl)
test=(postgresql-15-pgtap nodejs clang libclang-rt-14-dev chromium fonts-dejavu-core groff-base sqlmap wrk)

missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
    done
}

case "${1:-}" in
    --check-build) [ -z "$(missing "${build[@]}")" ]; exit ;;
    --check) [ -z "$(missing "${build[@]}" "${run[@]}" "${test[@]}")" ]; exit ;;
esac

todo=$(missing "${build[@]}" "${run[@]}" "${test[@]}")
[ -z "$todo" ] && exit 0
echo "installing: $todo"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $todo >/dev/null
