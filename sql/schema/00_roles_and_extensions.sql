-- The schema as it is after the last migration (sql/README.md "The schema
-- and the migrations"): read these files, in name order, to learn the
-- database.  Each file depends only on the ones before it.
--
-- 00: extensions, the privileges of the schema, and the helpers every other
-- file uses: ids (nanoid), the text checks behind the constraints, the acting
-- user (current_user_id), the API's names and timestamps, CSV cells, and the
-- generic row triggers (row_touch: versions; oplog_write: the history).
--
-- The roles exist before this file runs (deploy/stack.sh db_setup): the
-- owner (partnerships_owner), who runs it, partnerships_app, and
-- partnerships_portal (the partner portal's reading, 10).

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

-- Text as people read it (024): the sortable text columns sort by it, and
-- their indexes with them.
create collation public.natural_order (provider = icu, locale = 'und-u-kn-true');
comment on collation public.natural_order is 'Text as people read it: numbers within it by their value ("Acme 6" before "Acme 100").';

REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO partnerships_app;
GRANT USAGE ON SCHEMA public TO partnerships_portal;

-- Functions are not executable by PUBLIC: the ones the program calls are
-- granted by name.  (This also writes out the extensions' functions'
-- privileges, which stay as they were.)
revoke execute on all functions in schema public from public;
ALTER DEFAULT PRIVILEGES FOR ROLE partnerships_owner REVOKE ALL ON FUNCTIONS FROM PUBLIC;

-- The acting user, set per transaction by the program with
-- set_config('partnerships.user_id', id, true).  Null outside a request.
create function public.current_user_id() returns text
language sql stable parallel safe
as $$ select nullif(current_setting('partnerships.user_id', true), '') $$;
COMMENT ON FUNCTION public.current_user_id() IS 'The user acting in this transaction (set by the program per request), or null.';
grant execute on function public.current_user_id() to partnerships_app;
grant execute on function public.current_user_id() to partnerships_portal;

-- 21 characters of A-Za-z0-9_- (126 random bits), the id of every record:
-- the first 21 characters of 16 random bytes in base64 (22 characters and
-- padding, no line break), with + and / written as - and _.
create or replace function public.nanoid() returns text
language sql volatile parallel safe
as $$ select translate(left(encode(public.gen_random_bytes(16), 'base64'), 21), '+/', '-_') $$;
grant execute on function public.nanoid() to partnerships_app;

-- snake_case column name -> camelCase API name: the one mapping rule between
-- the two, used by the oplog (the C side applies the same rule).
create function public.api_name(column_name text) returns text
language sql immutable parallel safe
as $$
  select lower(left(c, 1)) || substr(c, 2)
  from (select replace(initcap(replace(column_name, '_', ' ')), ' ', '') as c) s
$$;
grant execute on function public.api_name(column_name text) to partnerships_app;

-- BEFORE UPDATE on every entity: ids and creation time never change; any
-- change to a column not named in TG_ARGV bumps version and updated_at.
-- TG_ARGV names the derived figures kept by other triggers and the stored
-- generated columns (which a BEFORE trigger sees before they are computed).
create function public.row_touch() returns trigger
language plpgsql
as $$
declare
  ignored text[] := array['updated_at', 'version'] || coalesce(TG_ARGV::text[], '{}');
begin
  new.id := old.id;
  new.created_at := old.created_at;
  new.version := old.version;
  new.updated_at := old.updated_at;
  if (to_jsonb(new) - ignored) is distinct from (to_jsonb(old) - ignored) then
    new.version := old.version + 1;
    new.updated_at := now();
  end if;
  return new;
end
$$;

-- The advisory lock key that marks a transaction writing oplog rows (039):
-- the bound under which none of its rows can be, in the low 48 bits, and
-- 20304 above them, apart from every other lock the program takes.
create function public.oplog_lock_key(bound bigint) returns bigint
language sql immutable parallel safe
as $$ select (20304::bigint << 48) | bound $$;
grant execute on function public.oplog_lock_key(bigint) to partnerships_app;

-- AFTER INSERT OR UPDATE on every entity: one oplog row with the changed
-- fields; the actor is partnerships.actor_id when it is set (a partner
-- user's write made as their partner's owner, 031), else the acting user.
-- TG_ARGV[0] is the API collection name, TG_ARGV[1] the column that
-- holds the record's partner (or '' for none), the rest are columns never
-- logged (secrets, derived figures).  A soft delete is the update that sets
-- deleted_at, a restore the one that clears it.
--
-- A transaction's first oplog row is preceded by a shared advisory lock,
-- held to its end, whose key carries a bound its sequence numbers cannot be
-- under (the sequence's next value, read before any is drawn; the sequence
-- caches none): the feed reads below the lowest such bound (oplog_horizon(),
-- 04), so that a row committed after a reader passed a higher number is
-- never skipped (039).
create function public.oplog_write() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  ignored text[] := array['created_at', 'updated_at', 'version'] || coalesce(TG_ARGV[2:]::text[], '{}');
  new_row jsonb := to_jsonb(new);
  old_row jsonb := case when TG_OP = 'UPDATE' then to_jsonb(old) else '{}'::jsonb end;
  changed jsonb;
  operation text := 'insert';
begin
  select jsonb_object_agg(public.api_name(n.key),
                          jsonb_build_array(coalesce(old_row -> n.key, 'null'::jsonb), n.value))
    into changed
    from jsonb_each(new_row) n
   where n.key <> all (ignored)
     and n.value is distinct from coalesce(old_row -> n.key, 'null'::jsonb);
  if changed is null then
    return null;
  end if;
  if TG_OP = 'UPDATE' then
    operation := case
      when old_row ->> 'deleted_at' is null and new_row ->> 'deleted_at' is not null then 'delete'
      when old_row ->> 'deleted_at' is not null and new_row ->> 'deleted_at' is null then 'restore'
      else 'update' end;
  end if;
  if current_setting('partnerships.oplog_open', true) is distinct from 'on' then
    perform pg_advisory_xact_lock_shared(public.oplog_lock_key(
      (select s.last_value + case when s.is_called then 1 else 0 end from public.oplog_seq_seq s)));
    perform set_config('partnerships.oplog_open', 'on', true);
  end if;
  insert into public.oplog (actor_user_id, entity, record_id, partner_id, op, changes)
  values (coalesce(nullif(current_setting('partnerships.actor_id', true), ''), public.current_user_id()), TG_ARGV[0], new.id,
          case when TG_ARGV[1] <> '' then new_row ->> TG_ARGV[1] end,
          operation, changed);
  return null;
end
$$;

-- Text checks shared by every table: trimmed, not empty, bounded.
create function public.text_ok(value text, max_length integer) returns boolean
language sql immutable parallel safe
as $$ select value = btrim(value) and value <> '' and length(value) <= max_length $$;
grant execute on function public.text_ok(value text, max_length integer) to partnerships_app;

create function public.strings_ok(value jsonb) returns boolean
language sql immutable parallel safe
as $$
  select case when jsonb_typeof(value) <> 'array' then false
              else jsonb_array_length(value) <= 100
                   and not jsonb_path_exists(value, '$[*] ? (@.type() != "string")')
                   and not exists (select 1 from jsonb_array_elements_text(value) e
                                    where btrim(e) = '' or length(e) > 500) end
$$;
grant execute on function public.strings_ok(value jsonb) to partnerships_app;

-- An object whose values are all texts, small enough to store.
create function public.text_fields_ok(value jsonb) returns boolean
language sql immutable parallel safe
as $$
  select case when jsonb_typeof(value) <> 'object' then false
              else not jsonb_path_exists(value, '$.* ? (@.type() != "string")')
                   and length(value::text) <= 20000 end
$$;
grant execute on function public.text_fields_ok(value jsonb) to partnerships_app;

-- A cell quoted when it must be (RFC 4180 section 2): commas, quotes, line
-- ends, or spaces at either end that a reader could trim.
create function public.csv_quote(cell text) returns text
language sql immutable parallel safe
as $$
  select case when cell ~ '[",\r\n]' or cell <> btrim(cell) then '"' || replace(cell, '"', '""') || '"' else cell end
$$;
grant execute on function public.csv_quote(cell text) to partnerships_app;

-- One CSV cell (RFC 4180) of a JSON value as the API shows it: null is an
-- empty cell, numbers and booleans their JSON text, lists and objects their
-- JSON.  A text that a spreadsheet would run as a formula (leading = + - @,
-- tab or carriage return), or that starts with an apostrophe before one of
-- those, gets a leading apostrophe (OWASP "CSV Injection"); the import
-- removes exactly one, so that an export imports back unchanged.
create function public.csv_cell(value json) returns text
language sql immutable parallel safe
as $$
  select case
    when value is null or json_typeof(value) = 'null' then ''
    when json_typeof(value) = 'string' then public.csv_quote(
      case when (value #>> '{}') ~ '^''*[=+@\t\r-]' then '''' || (value #>> '{}') else value #>> '{}' end)
    when json_typeof(value) in ('number', 'boolean') then value::text
    else public.csv_quote(value::text)
  end
$$;
grant execute on function public.csv_cell(value json) to partnerships_app;

-- The position of an enum value among its type's labels (1 for the first).
-- Declared immutable so a stored column can keep it: positions change only
-- when a label is added before existing ones (ALTER TYPE ... ADD VALUE
-- BEFORE), and a migration that does so must rebuild the rank columns.
create function public.enum_position(anyenum) returns smallint
language sql immutable parallel safe
as $$ select array_position(enum_range($1), $1)::smallint $$;
grant execute on function public.enum_position(anyenum) to partnerships_app;

-- A timestamp as the API writes it, in UTC: what JSON output of a
-- timestamptz gives with TimeZone = UTC, whatever the writer's TimeZone.
create function public.utc_json_text(ts timestamptz) returns text
language sql stable parallel safe
as $$ select (to_json(ts at time zone 'UTC') #>> '{}') || '+00:00' $$;
grant execute on function public.utc_json_text(ts timestamp with time zone) to partnerships_app;

-- AFTER UPDATE OF partner_id on every attached table: the record's earlier
-- oplog rows carry its new partner (or none).  TG_ARGV[0] is the API
-- collection.  Runs as the oplog's owner (the oplog's row-level security is
-- not forced); the record's row lock keeps its rows from changing meanwhile.
create function public.oplog_follow_partner() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.oplog o set partner_id = new.partner_id
   where o.entity = TG_ARGV[0] and o.record_id = new.id and o.partner_id is distinct from new.partner_id;
  return null;
end
$$;
