-- 07: Idempotency-Key answers, the long-operation slots, and an import's
-- partners counted in their owners' totals once (fcgi/README.md "Long
-- operations").

CREATE TABLE public.idempotency_keys (
    user_id text NOT NULL,
    key text NOT NULL,
    request bytea NOT NULL,
    status integer,
    headers text,
    body text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key);
ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE public.idempotency_keys ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.idempotency_keys IS 'Answers of creates and imports by Idempotency-Key, per user, for 24 hours (fcgi/README.md "Long operations").';

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
grant execute on function public.idempotency_claim(p_key text, p_request bytea) to partnerships_app;

create function public.idempotency_store(p_key text, p_status integer, p_headers text, p_body text)
returns void
language sql volatile security definer set search_path = ''
as $$
  update public.idempotency_keys k set status = p_status, headers = p_headers, body = p_body
   where k.user_id = public.current_user_id() and k.key = p_key
$$;
grant execute on function public.idempotency_store(p_key text, p_status integer, p_headers text, p_body text) to partnerships_app;

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
grant execute on function public.long_operation_try(p_slots integer, OUT own boolean, OUT slot boolean) to partnerships_app;

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
grant execute on function public.partner_totals_settle(p_ids text[]) to partnerships_app;
