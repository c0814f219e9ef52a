#!/usr/bin/env bash
# Backup and restore as the README gives them: pg_dump of the test stack's
# database (after all the other suites wrote to it), pg_restore into a fresh
# database, and the same data there: every table's rows, the migrations
# table (so migrate has nothing to apply), and the application role seeing
# what it saw before under row-level security.  Prints "ok"/"not ok".
#
# Usage: tests/deploy/backup.sh VAR BIN   (VAR: the running test stack)
set -uo pipefail

var=${1:?var} bin=${2:?program}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/deploy/lib.sh"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$var/backup
rm -rf "$dir"
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown partnerships "$dir"
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(setpriv --reuid=partnerships --regid=partnerships --init-groups --)
sql() { "$pgbin/psql" -X -q -tA -h "$var/run" -U postgres -d "$1" -c "$2"; }

member=$(sql partnerships "select owner_user_id from public.partners where deleted_at is null group by 1 order by count(*) desc limit 1")
digest() { "$pgbin/psql" -X -q -tA -h "$var/run" -U postgres -d "$1" -f "$root/tests/deploy/digest.sql"; }
seen() { "$pgbin/psql" -X -q -tA -h "$var/run" -U postgres -d "$1" -v member="$member" -f "$root/tests/deploy/member_view.sql"; }

check "pg_dump of the live database" "${as_pg[@]}" "$pgbin/pg_dump" -h "$var/run" -U postgres -Fc -f "$dir/partnerships.dump" partnerships
sql postgres "drop database if exists partnerships_restored" >/dev/null 2>&1
# Owned by the schema owner, as the original: its functions need the
# schema rights of the database owner (README "Backup and restore").
check "createdb for the restore" sql postgres "create database partnerships_restored owner partnerships_owner"
check "pg_restore into it" "${as_pg[@]}" "$pgbin/pg_restore" -h "$var/run" -U postgres -d partnerships_restored --exit-on-error "$dir/partnerships.dump"
before=$(digest partnerships)
after=$(digest partnerships_restored)
check "every table has the same rows ($(wc -l <<<"$before") tables, $(awk '{n += $2} END {print n}' <<<"$before") rows)" \
    test -n "$before" -a "$before" = "$after"
check "migrate has nothing to apply on the restored database" test -z "$(PARTNERSHIPS_SQL_DIR="$root/sql" \
    PARTNERSHIPS_OWNER_DATABASE_URL="host=$var/run dbname=partnerships_restored user=partnerships_owner" \
    "$bin" migrate 2>&1 | grep applied)"
check "a member sees the same through row-level security ($(seen partnerships))" \
    test -n "$(seen partnerships)" -a "$(seen partnerships)" = "$(seen partnerships_restored)"
sql postgres "drop database partnerships_restored" >/dev/null
