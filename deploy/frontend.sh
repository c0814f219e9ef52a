#!/bin/sh
# Copies the frontend as it is served: deploy/frontend.sh SRC DEST
#
# - css/ and js/ move under assets/<hash of their names and contents>/, which
#   nginx caches for a year (a file there never changes); index.html, never
#   cached, is rewritten to point there.
# - Every text file is stored compressed beside itself (FILE.gz, gzip -9),
#   which nginx's gzip_static sends to browsers that accept gzip, at no CPU
#   cost per request.
# Used by `make install` and by the local stack of `make run` and `make test`.
set -eu
src=${1:?frontend source} dest=${2:?destination}
# Assets of earlier copies stay: a page loaded before an upgrade still finds its own.
mkdir -p "$dest"
find "$dest" -mindepth 1 -maxdepth 1 ! -name assets -exec rm -rf {} +
cp -R "$src/." "$dest/"
find "$dest" -name '*.gz' -delete
hash=$(cd "$src" && find css js -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
rm -rf "$dest/assets/$hash"
mkdir -p "$dest/assets/$hash"
mv "$dest/css" "$dest/js" "$dest/assets/$hash/"
sed -i "s|href=\"css/|href=\"assets/$hash/css/|; s|src=\"js/|src=\"assets/$hash/js/|" "$dest/index.html"
find "$dest" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.json' -o -name '*.svg' \) \
    -exec gzip -9 -k -n {} +
chmod -R u=rwX,go=rX "$dest"
