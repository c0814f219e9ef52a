#!/usr/bin/env bash
# sql/schema/ (the schema as it is now) and the migrations agree: one scratch
# database built from sql/schema/*.sql in order, another by `migrate` from
# empty, both as the schema owner; their pg_dump --schema-only are the same
# statements (ordering aside), and so are the application's data (the
# templates) and the migrations recorded as applied.  Prints "ok"/"not ok".
#
# Usage: tests/deploy/schema.sh VAR BIN   (VAR: the running test stack)
set -uo pipefail

var=${1:?var} bin=${2:?program}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/deploy/lib.sh"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$var/schema-test
rm -rf "$dir"
mkdir -p "$dir"
from_schema=partnerships_from_schema from_migrations=partnerships_from_migrations
sql() { "$pgbin/psql" -X -q -tA -h "$var/run" -U postgres -d "$1" -c "$2"; }

for db in "$from_schema" "$from_migrations"; do
    sql postgres "drop database if exists $db" >/dev/null 2>&1
    sql postgres "create database $db owner partnerships_owner" >/dev/null
done

# As migrate does it: connected as the owner (no role set), one transaction
# per file.
apply_schema() {
    local f
    for f in "$root"/sql/schema/[0-9][0-9]_*.sql; do
        "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 --single-transaction -h "$var/run" \
            -U partnerships_owner -d "$from_schema" -f "$f" >/dev/null || { echo "failed: $f" >&2; return 1; }
    done
}
check "sql/schema/*.sql apply in order to an empty database" apply_schema
check "migrate applies sql/0*.sql to an empty database" env PARTNERSHIPS_SQL_DIR="$root/sql" \
    PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=$from_migrations user=partnerships_owner" "$bin" migrate

# pg_dump's statements, one per record (its "-- Name:" blocks), each on one
# line and sorted: what exists, whatever the order it was made in.
statements() {
    "$pgbin/pg_dump" -h "$var/run" -U postgres --schema-only --no-owner "$1" |
        grep -v -e '^\\restrict' -e '^\\unrestrict' -e '^-- Dumped' |
        awk '/^-- Name: /{ if (s != "") print s; s = $0; next } /^--$/ || /^$/ { next } { s = s " " $0 } END { print s }' |
        sed 's/[[:space:]]\+/ /g' | LC_ALL=C sort
}
statements "$from_schema" >"$dir/schema.txt"
statements "$from_migrations" >"$dir/migrations.txt"
diff -u "$dir/migrations.txt" "$dir/schema.txt" >"$dir/schema.diff"
check "the same schema: $(wc -l <"$dir/migrations.txt") pg_dump records (differences in $dir/schema.diff)" \
    test -s "$dir/migrations.txt" -a ! -s "$dir/schema.diff"

# What pg_dump leaves out: the privileges of the extensions' functions.
acl="select p.oid::regprocedure::text || ' ' || coalesce(p.proacl::text, '-') from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1"
check "the same function privileges, the extensions' too" test "$(sql "$from_schema" "$acl")" = "$(sql "$from_migrations" "$acl")"

data="select key, position, kind, title, header, placeholders::text, items::text, body from public.templates order by key"
check "the same templates ($(sql "$from_migrations" "select count(*) from public.templates"))" \
    test "$(sql "$from_schema" "$data")" = "$(sql "$from_migrations" "$data")"
versions="select string_agg(version, ' ' order by version) from public.schema_migrations"
check "the same migrations recorded as applied ($(sql "$from_migrations" "select count(*) from public.schema_migrations"))" \
    test "$(sql "$from_schema" "$versions")" = "$(sql "$from_migrations" "$versions")"
check "migrate has nothing to apply on the database built from sql/schema/" test -z "$(PARTNERSHIPS_SQL_DIR="$root/sql" \
    PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=$from_schema user=partnerships_owner" \
    "$bin" migrate 2>&1 | grep -v 'up to date')"

for db in "$from_schema" "$from_migrations"; do
    sql postgres "drop database $db" >/dev/null
done
