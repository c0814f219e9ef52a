-- Long operations (fcgi/README.md "Long operations"): a request no longer
-- waits on its own session's or token's row, and a create or an import sent
-- again with the same Idempotency-Key is answered from the first.

-- last_seen_at / last_used_at, at most once a minute as before, and never
-- waited for: a row another transaction of the same session or token holds
-- (a long import that wrote it when it began) is skipped, not waited on
-- until that transaction ends (the other requests of a user whose import
-- ran ended in 503 after the statement timeout).
create or replace function public.auth_begin(p_token_hash bytea)
returns table (id text, role public.user_role, user_json json)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  found_user text;
begin
  perform from public.sessions s
   where s.token_hash = p_token_hash and s.expires_at > now() and s.last_seen_at < now() - interval '1 minute'
   for update skip locked;
  if found then
    update public.sessions s set last_seen_at = now() where s.token_hash = p_token_hash;
  end if;
  select s.user_id into found_user from public.sessions s
   where s.token_hash = p_token_hash and s.expires_at > now();
  if found_user is null then
    perform from public.api_tokens t
     where t.token_hash = p_token_hash and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
     for update skip locked;
    if found then
      update public.api_tokens t set last_used_at = now() where t.token_hash = p_token_hash;
    end if;
    select t.user_id into found_user from public.api_tokens t where t.token_hash = p_token_hash;
  end if;
  if found_user is null then
    return;
  end if;
  return query
    select u.id, u.role, public.api_user(u) from public.users u where u.id = found_user and not u.disabled;
  if found then
    perform set_config('partnerships.user_id', found_user, true);
  end if;
end
$$;

-- The answers of creates and imports sent with an Idempotency-Key, per
-- user, kept 24 hours.  A row exists only once its request committed: it
-- is written in the request's own transaction, so a request that failed or
-- was rolled back (a deadline passed) leaves no key and may be sent again.
create table public.idempotency_keys (
  user_id text not null references public.users (id) on delete cascade,
  key text not null,
  request bytea not null,          -- SHA-256 of the method, path and body
  status integer,                  -- the answer, set before the commit
  headers text,                    -- its header lines (ETag, ...)
  body text,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);
comment on table public.idempotency_keys is
  'Answers of creates and imports by Idempotency-Key, per user, for 24 hours (fcgi/README.md "Long operations").';
alter table public.idempotency_keys enable row level security;
-- No grant: the application reaches it through the two functions below.

-- Claims p_key for the acting user's request p_request.  state: 'new' (go
-- on, then idempotency_store()), 'replay' (the first answer, in status,
-- content_type, body), 'mismatch' (the key was used for another request),
-- 'busy' (a request with the key is running now).  A 'replay' answer is
-- JSON (creates and imports answer nothing else).
create function public.idempotency_claim(p_key text, p_request bytea)
returns table (state text, status integer, headers text, body text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  acting text := public.current_user_id();
  kept public.idempotency_keys;
begin
  -- One request per key at a time; a second is told at once, not made to
  -- wait for the first (an import may run for most of a minute).
  if not pg_try_advisory_xact_lock(20201, hashtext(acting || ' ' || p_key)) then
    return query select 'busy', null::integer, null::text, null::text;
    return;
  end if;
  delete from public.idempotency_keys k where k.user_id = acting and k.created_at < now() - interval '24 hours';
  select * into kept from public.idempotency_keys k where k.user_id = acting and k.key = p_key;
  if not found then
    insert into public.idempotency_keys (user_id, key, request) values (acting, p_key, p_request);
    return query select 'new', null::integer, null::text, null::text;
  elsif kept.request <> p_request then
    return query select 'mismatch', null::integer, null::text, null::text;
  else
    return query select 'replay', kept.status, kept.headers, kept.body;
  end if;
end
$$;

create function public.idempotency_store(p_key text, p_status integer, p_headers text, p_body text)
returns void
language sql volatile security definer set search_path = ''
as $$
  update public.idempotency_keys k set status = p_status, headers = p_headers, body = p_body
   where k.user_id = public.current_user_id() and k.key = p_key
$$;

-- Long operations (imports, exports): at most one per user and at most a
-- set number over all workers at once, held until the transaction ends.
-- true when taken; false: answer 429 (the user's own) or 503 (all busy).
create function public.long_operation_try(p_slots integer, out own boolean, out slot boolean)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  own := pg_try_advisory_xact_lock(20202, hashtext(public.current_user_id()));
  slot := false;
  if not own then
    return;
  end if;
  for i in 1 .. greatest(p_slots, 1) loop
    if pg_try_advisory_xact_lock(20203, i) then
      slot := true;
      return;
    end if;
  end loop;
end
$$;

-- An import of partners adds to its owners' totals once, not once a row.
-- Each row's insert updated the same totals row (owner, status) again in
-- the import's transaction, under a savepoint each: every update reads the
-- chain of versions the earlier ones left, so an import cost the square of
-- its rows (6,000 rows 19.9 s, 4.6 s without).  Within an import the
-- insert triggers of the totals stand aside (partnerships.bulk_totals, a
-- setting of the transaction only the program sets), and the import then
-- adds what its rows count, in key order as the triggers do.  (The
-- setting is on only while an import inserts its rows: nothing deletes
-- partners then, and partner_totals_settle() turns it off before the
-- commit; a failed import rolls back whole.)
drop trigger partners_review_totals on public.partners;
create trigger partners_review_totals after insert or delete on public.partners
  for each row when (current_setting('partnerships.bulk_totals', true) is distinct from 'on')
  execute function public.partner_review_totals_follow();
drop trigger partners_totals on public.partners;
create trigger partners_totals after insert or delete on public.partners
  for each row when (current_setting('partnerships.bulk_totals', true) is distinct from 'on')
  execute function public.partner_totals_follow();

-- The totals of the partners p_ids (just inserted by this transaction's
-- import, live), added; the insert triggers of the totals count again.
create function public.partner_totals_settle(p_ids text[]) returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  r record;
begin
  if current_setting('partnerships.bulk_totals', true) is distinct from 'on' then
    return;   -- only right after an import's rows
  end if;
  perform set_config('partnerships.bulk_totals', 'off', true);
  for r in select p.owner_user_id, p.next_review, count(*)::integer as n from public.partners p
            where p.id = any(p_ids) and p.deleted_at is null and p.next_review is not null
            group by 1, 2 order by 1, 2 loop
    perform public.partner_review_totals_add(r.owner_user_id, r.next_review, r.n);
  end loop;
  for r in select p.owner_user_id, p.status_rank, count(*)::integer as n, sum(p.revenue_attributed) as revenue,
                  sum(p.referrals_received)::integer as intros
             from public.partners p where p.id = any(p_ids) and p.deleted_at is null
            group by 1, 2 order by 1, 2 loop
    perform public.partner_totals_add(r.owner_user_id, r.status_rank, r.n, r.revenue, r.intros);
  end loop;
end
$$;

revoke execute on function public.idempotency_claim(text, bytea), public.idempotency_store(text, integer, text, text),
  public.long_operation_try(integer), public.partner_totals_settle(text[]) from public;
grant execute on function public.idempotency_claim(text, bytea), public.idempotency_store(text, integer, text, text),
  public.long_operation_try(integer), public.partner_totals_settle(text[]) to partnerships_app;
