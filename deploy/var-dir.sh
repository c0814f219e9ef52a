#!/bin/sh
# Prints the directory where this checkout's local stacks and builds live
# (make run's data, make test's stacks, the programs built): ./var.
#
# The servers of the local stack run as the system user `partnerships` when
# root starts them, and that user must reach the directory.  A checkout
# under a private home such as /root is out of its reach, so there ./var is
# a link to /var/lib/partnerships-checkouts/<the checkout's path>, made here
# on first use (what an earlier ./var held is moved there), and the real
# path is printed: the servers are given real paths only.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd -P)
var=$root/var

# Every directory from / down to $1 lets other users pass (search permission).
reachable() {
    d=$1
    while [ "$d" != / ]; do
        case $(stat -c %A "$d") in
            *x | *t) ;;
            *) return 1 ;;
        esac
        d=$(dirname "$d")
    done
}

if [ "$(id -u)" -eq 0 ] && [ ! -L "$var" ] && ! reachable "$root"; then
    real=/var/lib/partnerships-checkouts/$(printf '%s' "$root" | tr / -)
    mkdir -p "$(dirname "$real")"
    chmod 0755 "$(dirname "$real")"
    if [ -e "$var" ]; then
        [ -e "$real" ] && ! rmdir "$var" 2>/dev/null &&
            { echo "var-dir.sh: both $var and $real hold data; move one of them away" >&2; exit 1; }
        [ -e "$var" ] && mv "$var" "$real"
    fi
    mkdir -p "$real"
    ln -s "$real" "$var"
fi
mkdir -p "$var/"
readlink -f "$var"
