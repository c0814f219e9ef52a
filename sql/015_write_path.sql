-- 015: what every write runs is planned once per session, not per call.
--
-- A SQL function that PostgreSQL cannot inline is planned again at every
-- call: one with a SET clause (the security definer functions below, see
-- 012) or with an aggregate (nanoid).  Measured with track_functions = all
-- over pgbench of POST /referrals' statement: partner_figures_apply 0.54 ms
-- a call and nanoid 0.18 ms, of 3.2 ms a referral.  The three functions a
-- write's triggers call are now PL/pgSQL (its statements are prepared once
-- per session), and nanoid is one expression, inlined into the INSERT.

-- 21 characters of A-Za-z0-9_- (126 random bits), the id of every record:
-- the first 21 characters of 16 random bytes in base64 (22 characters and
-- padding, no line break), with + and / written as - and _.
create or replace function public.nanoid() returns text
language sql volatile parallel safe
as $$ select translate(left(encode(public.gen_random_bytes(16), 'base64'), 21), '+/', '-_') $$;

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
end
$$;

create or replace function public.partner_totals_add(p_owner text, p_rank smallint, p_partners integer,
                                                     p_revenue numeric, p_intros integer) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.partner_totals as t (owner_user_id, status_rank, partners, revenue, intros)
  values (p_owner, p_rank, p_partners, p_revenue, p_intros)
  on conflict (owner_user_id, status_rank) do update
    set partners = t.partners + excluded.partners,
        revenue = t.revenue + excluded.revenue,
        intros = t.intros + excluded.intros;
end
$$;

create or replace function public.partner_review_totals_add(p_owner text, p_date date, p_partners integer) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.partner_review_totals as t (owner_user_id, next_review, partners)
  values (p_owner, p_date, p_partners)
  on conflict (owner_user_id, next_review) do update set partners = t.partners + excluded.partners;
end
$$;

-- A change of a partner's figures alone (a referral, a campaign, a shared
-- customer: columns partners_touch ignores) leaves its version as it was,
-- and the oplog has nothing to write for it (the two triggers ignore the
-- same columns); yet oplog_write turned both rows into JSON to find that
-- out, 0.28 ms of every such write.  The oplog trigger of an update now
-- fires only when the version moved; an insert's as before.  Made from the
-- trigger as it is, so that its list of ignored columns stays written once.
do $$
declare
  def text := pg_get_triggerdef((select oid from pg_trigger
                                  where tgrelid = 'public.partners'::regclass and tgname = 'partners_oplog'));
begin
  drop trigger partners_oplog on public.partners;
  execute replace(def, 'AFTER INSERT OR UPDATE', 'AFTER INSERT');
  execute replace(replace(def, 'partners_oplog AFTER INSERT OR UPDATE', 'partners_oplog_update AFTER UPDATE'),
                  'FOR EACH ROW', 'FOR EACH ROW WHEN (old.version <> new.version)');
end
$$;
