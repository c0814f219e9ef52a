#!/bin/sh
# Writes partnerships(8) to stdout: deploy/partnerships.8.in with the
# settings section from the program's own help (one source: fcgi/config.c).
# Usage: deploy/man.sh PROGRAM PREFIX
set -eu
program=${1:?program} prefix=${2:?prefix}
settings=$("$program" help | awk '
    /^Settings/ { on = 1; next }
    !on { next }
    /^  [A-Z_]+ / { name = $1; sub(/^  [A-Z_]+ +/, ""); printf ".TP\n.B %s\n", name }
    { sub(/^ +/, ""); gsub(/\\/, "\\e"); gsub(/-/, "\\-"); print }')
date=$(git -C "$(dirname "$0")" log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
awk -v settings="$settings" -v prefix="$prefix" -v date="$date" '
    $0 == ".@SETTINGS@" { print settings; next }
    { gsub(/@PREFIX@/, prefix); gsub(/@DATE@/, date); print }' "$(dirname "$0")/partnerships.8.in"
