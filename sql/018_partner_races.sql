-- 018: a record attached to a partner is written under the partner's row
-- lock; the last admin holds under concurrency; a record's history goes
-- where the record goes.
--
-- 1. An attached record's owner and liveness were read from its partner
--    without a lock (attached_guard, 003), under the writer's snapshot.  A
--    record inserted while an admin moved its partner to another owner kept
--    the old owner (the move's cascade, partner_cascade, did not see the
--    uncommitted record), and its figures' update then waited on the
--    partner's row lock and, under row-level security, no longer found the
--    partner: it changed nothing and said nothing.  Measured through the
--    API (tests/api/races.test.mjs): 8 writers adding referrals during 13
--    moves left 3 of about 100 referrals with the former owner and the
--    partner's referralsMade 3 short.  Likewise a record inserted while its
--    partner went to the trash (or a record restored meanwhile) stayed live
--    under the trashed partner.  The guard now reads the partner FOR SHARE
--    (FOR NO KEY UPDATE when the record feeds the partner's figures, which
--    update that row in the same transaction: two FOR SHARE holders both
--    upgrading would deadlock), and takes the owner from the locked row:
--    a move or a delete waits for the record to commit, and its cascade
--    (a statement with a new snapshot) sees it; or the record waits for the
--    move or delete, and the partner, read again after the lock, is then
--    the other owner's or in the trash: a 422, as for any partner the user
--    cannot see.
-- 2. The figures' update that finds no partner raises (40001: the program
--    runs the transaction again) instead of doing nothing.
-- 3. users_guard (001) counted the other admins under the writer's
--    snapshot: two admins demoting each other at once both saw the other
--    still admin, and both were answered 200.  A demotion or disabling of
--    an admin now takes a transaction advisory lock before it counts, so
--    the second one counts after the first committed.
-- 4. An oplog row was visible by the partner the record had when the row was
--    written.  An idea detached from its partner left its insert (with its
--    description and notes) readable by whoever owned the partner next, and
--    out of its own owner's history; a record moved to another partner
--    likewise.  oplog.partner_id is now the partner the record belongs to:
--    when a record's partner changes, its earlier rows follow it.

-- ---- 1. the partner is read under its row lock ----------------------------

create or replace function public.attached_guard() returns trigger
language plpgsql
as $$
declare
  partner_owner text;
  partner_deleted timestamptz;
  -- These update the partner's figures in the same transaction: they take
  -- the lock that update needs, not one they would have to upgrade.
  feeds boolean := TG_TABLE_NAME in ('referrals', 'campaigns', 'shared_customers');
begin
  if TG_OP = 'INSERT' or new.partner_id is distinct from old.partner_id then
    if new.partner_id is null then
      -- Ideas without a partner belong to their creator (or keep their owner).
      new.owner_user_id := case when TG_OP = 'INSERT' then public.current_user_id() else old.owner_user_id end;
    else
      -- Read as the acting user (row-level security) and under the lock:
      -- a partner moved to another owner or into the trash while this
      -- waited is not found.
      if feeds then
        select p.owner_user_id into partner_owner
          from public.partners p where p.id = new.partner_id and p.deleted_at is null for no key update;
      else
        select p.owner_user_id into partner_owner
          from public.partners p where p.id = new.partner_id and p.deleted_at is null for share;
      end if;
      if not found then
        raise exception 'must be the id of a partner' using errcode = 'PT422', column = 'partner_id';
      end if;
      new.owner_user_id := partner_owner;
    end if;
  end if;
  if TG_OP = 'UPDATE' and old.deleted_at is not null and new.deleted_at is null then
    if new.partner_id is not null then
      if feeds then
        select p.deleted_at into partner_deleted from public.partners p where p.id = new.partner_id for no key update;
      else
        select p.deleted_at into partner_deleted from public.partners p where p.id = new.partner_id for share;
      end if;
      if partner_deleted is not null then
        raise exception 'its partner is in the trash: restore the partner first' using errcode = 'PT409';
      end if;
    end if;
    new.deleted_with_partner := false;
  end if;
  return new;
end
$$;

-- ---- 2. a figures' update that finds no partner raises ------------------

create or replace function public.partner_figures_apply(p_partner text, d numeric[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.partners
     set referrals_made = referrals_made + d[1]::integer,
         referrals_received = referrals_received + d[2]::integer,
         shared_customers = shared_customers + d[3]::integer,
         revenue_attributed = revenue_attributed + d[4],
         campaigns = campaigns + d[5]::integer,
         campaign_budget = campaign_budget + d[6],
         campaign_budgeted_revenue = campaign_budgeted_revenue + d[7]
   where id = p_partner;
  if not found then
    -- Its record was written under the partner's lock (attached_guard), so
    -- this is a partner that changed hands meanwhile: never a silent loss.
    raise exception 'the partner changed at the same time' using errcode = '40001';
  end if;
end
$$;

-- ---- 3. the last admin, under concurrency -------------------------------

create or replace function public.users_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.disabled and not old.disabled then
    delete from public.sessions where user_id = new.id;
    delete from public.api_tokens where user_id = new.id;
  end if;
  if (old.role = 'admin' and not old.disabled) and (new.role <> 'admin' or new.disabled) then
    -- One demotion at a time, held to commit: the count below (a new
    -- snapshot, taken after the lock) sees every demotion before it.
    -- (727274 is the migrator's lock, a key of its own.)
    perform pg_advisory_xact_lock(727275);
    if not exists (select 1 from public.users u
                    where u.role = 'admin' and not u.disabled and u.id <> new.id) then
      raise exception 'the last admin cannot be demoted or disabled'
        using errcode = 'PT409', column = 'role';
    end if;
  end if;
  return null;
end
$$;

-- ---- 4. a record's history goes where the record goes ---------------------

comment on column public.oplog.partner_id is
  'The partner the record belongs to now (its own id for partners; null for an idea without one): who may read the row follows from it. Follows the record to another partner (oplog_follow_partner).';

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

do $$
declare
  a record;
begin
  for a in select * from public.attached_tables() loop
    execute format('create trigger %I after update of partner_id on public.%I for each row'
                   ' when (old.partner_id is distinct from new.partner_id)'
                   ' execute function public.oplog_follow_partner(%L)',
                   a.table_name || '_oplog_follow', a.table_name, a.collection);
    -- The rows of records that moved before: every row of the table, so
    -- row-level security is lifted for the owner running this migration,
    -- inside its transaction, and forced again.
    execute format('alter table public.%I no force row level security', a.table_name);
    execute format('update public.oplog o set partner_id = t.partner_id from public.%I t'
                   ' where o.entity = %L and o.record_id = t.id and o.partner_id is distinct from t.partner_id',
                   a.table_name, a.collection);
    execute format('alter table public.%I force row level security', a.table_name);
  end loop;
end
$$;
