#!/bin/sh
# Writes the nginx snippet for Partnerships to stdout: the app served under
# URL_PATH ("/" or a prefix such as "/partners/"), its frontend from
# FRONTEND_DIR.  Used by `make install`, the local stack and the tests.
#
# Usage: deploy/nginx/snippet.sh URL_PATH FRONTEND_DIR
set -eu
path=${1:?URL_PATH} frontend=${2:?FRONTEND_DIR}
case $path in
    /*/ | /) ;;
    *) echo "snippet.sh: URL_PATH must start and end with / (\"/\", \"/partners/\"), not \"$path\"" >&2; exit 2 ;;
esac
case $path$frontend in
    *[!A-Za-z0-9/._~-]*) echo "snippet.sh: use only letters, digits and /._~- in URL_PATH and FRONTEND_DIR" >&2; exit 2 ;;
esac
sed -e "s|@URL_PATH@|$path|g" -e "s|@FRONTEND@|${frontend%/}|g" "$(dirname "$0")/partnerships.conf.in"
# Under a prefix, its bare name (/partners) goes to the app's page.
if [ "$path" != / ]; then
    printf '\nlocation = %s {\n    return 301 %s;\n}\n' "${path%/}" "$path"
fi
