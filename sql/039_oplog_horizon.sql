-- 039: the oplog feed never skips a row.  A row's sequence number is drawn
-- when it is written and the row is seen when its transaction commits, so
-- numbers become visible out of order: a reader paging by "since" passed a
-- transaction still open below the last number it read, and that
-- transaction's rows, committed a moment later, were never in any page (16
-- writers of portal leads, readers paging at once: 1 to 2 rows missed in
-- 2,430).  Each transaction that writes oplog rows now holds a shared
-- advisory lock whose key carries the sequence's next value, taken before
-- its first number is drawn; the feed reads only below the lowest such
-- bound (oplog_horizon()), which a transaction open for long holds back
-- without losing what comes after.

-- The advisory lock key that marks a transaction writing oplog rows (039):
-- the bound under which none of its rows can be, in the low 48 bits, and
-- 20304 above them, apart from every other lock the program takes.
create function public.oplog_lock_key(bound bigint) returns bigint
language sql immutable parallel safe
as $$ select (20304::bigint << 48) | bound $$;
grant execute on function public.oplog_lock_key(bigint) to partnerships_app;

create or replace function public.oplog_write() returns trigger
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

-- The feed's horizon (039): every row under it is committed or rolled back
-- for good.  A sequence number is drawn when a row is written but seen when
-- its transaction commits, so a reader paging by number could pass a
-- transaction still open under it; each transaction writing oplog rows
-- holds a lock whose key carries a bound its rows cannot be under
-- (oplog_write(), 00), and the horizon is the lowest of them (the largest
-- number when none is open).
create function public.oplog_horizon() returns bigint
language sql stable
as $$
  select coalesce(min(k.key # public.oplog_lock_key(0)), 9223372036854775807)
    from pg_catalog.pg_locks l, lateral (select (l.classid::bigint << 32) | l.objid::bigint as key) k
   where l.locktype = 'advisory' and l.objsubid = 1 and k.key >> 48 = public.oplog_lock_key(0) >> 48
$$;
grant execute on function public.oplog_horizon() to partnerships_app;
