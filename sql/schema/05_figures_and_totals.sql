-- 05: derived figures kept by triggers in the writer's transaction: the
-- partner's figures from its referrals, campaigns and shared customers, and
-- the totals per owner and status (partner_totals) and per owner and review
-- date (partner_review_totals), with the recounts the tests compare them to.

CREATE TABLE public.partner_totals (
    owner_user_id text NOT NULL,
    status_rank smallint NOT NULL,
    partners integer DEFAULT 0 NOT NULL,
    revenue numeric(16,2) DEFAULT 0 NOT NULL,
    intros integer DEFAULT 0 NOT NULL
);
ALTER TABLE ONLY public.partner_totals
    ADD CONSTRAINT partner_totals_pkey PRIMARY KEY (owner_user_id, status_rank);
ALTER TABLE ONLY public.partner_totals
    ADD CONSTRAINT partner_totals_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);

ALTER TABLE public.partner_totals ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.partner_totals IS 'Live partners, revenue attributed and outbound referrals per owner and status (kept by partner_totals_follow).';

grant select on public.partner_totals to partnerships_app;

CREATE TABLE public.partner_review_totals (
    owner_user_id text NOT NULL,
    next_review date NOT NULL,
    partners integer DEFAULT 0 NOT NULL
);
ALTER TABLE ONLY public.partner_review_totals
    ADD CONSTRAINT partner_review_totals_pkey PRIMARY KEY (owner_user_id, next_review);
ALTER TABLE ONLY public.partner_review_totals
    ADD CONSTRAINT partner_review_totals_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);

ALTER TABLE public.partner_review_totals ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.partner_review_totals IS 'Live partners per owner and next review date (kept by partner_totals_follow).';

grant select on public.partner_review_totals to partnerships_app;

create or replace function public.partner_figures_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  before numeric[] := array[0, 0, 0, 0, 0, 0, 0, 0, 0];
  after numeric[] := array[0, 0, 0, 0, 0, 0, 0, 0, 0];
  old_partner text;
  minus numeric[];
  delta numeric[];
begin
  if TG_OP = 'UPDATE' then
    before := public.partner_contribution(TG_TABLE_NAME, to_jsonb(old));
    old_partner := old.partner_id;
  end if;
  after := public.partner_contribution(TG_TABLE_NAME, to_jsonb(new));
  select array_agg(-b order by n) into minus from unnest(before) with ordinality x(b, n);
  if old_partner is null or old_partner = new.partner_id then
    if before is distinct from after then
      select array_agg(a - b order by n) into delta from unnest(after, before) with ordinality x(a, b, n);
      perform public.partner_figures_apply(new.partner_id, delta);
    end if;
  -- Two partners: in id order, so two writers never wait on each other's
  -- partners crosswise.
  elsif old_partner < new.partner_id then
    perform public.partner_figures_apply(old_partner, minus);
    perform public.partner_figures_apply(new.partner_id, after);
  else
    perform public.partner_figures_apply(new.partner_id, after);
    perform public.partner_figures_apply(old_partner, minus);
  end if;
  return null;
end
$$;

-- Whether a campaign counts in its partner's ROI: it has a budget and
-- results (it is completed or archived, or revenue is recorded).  A campaign
-- still being planned is a cost without results yet, not a loss.
create function public.campaign_in_roi(budget numeric, status public.campaign_status, revenue numeric) returns boolean
language sql immutable
as $$ select budget is not null and (status in ('completed', 'archived') or coalesce(revenue, 0) > 0) $$;
grant execute on function public.campaign_in_roi(budget numeric, status public.campaign_status, revenue numeric) to partnerships_app;

-- What one row adds to its partner's figures: {referralsMade,
-- referralsReceived, sharedCustomers, revenueAttributed, campaigns,
-- campaignBudget, campaignBudgetedRevenue}.
create or replace function public.partner_contribution(source text, r jsonb) returns numeric[]
language sql immutable
as $$
  select case
    when r ->> 'deleted_at' is not null then array[0, 0, 0, 0, 0, 0, 0, 0, 0]::numeric[]
    when source = 'referrals' then array[
      (r ->> 'direction' = 'inbound')::integer, (r ->> 'direction' = 'outbound')::integer, 0,
      case when r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted'
           then coalesce((r ->> 'deal_value')::numeric, 0) else 0 end, 0, 0, 0,
      (r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted')::integer,
      case when r ->> 'direction' = 'inbound' and (r ->> 'commission_paid')::boolean
           then coalesce((r ->> 'commission_amount')::numeric, 0) else 0 end]::numeric[]
    when source = 'campaigns' then array[0, 0, 0, coalesce((r ->> 'revenue')::numeric, 0), 1,
      case when public.campaign_in_roi((r ->> 'budget')::numeric, (r ->> 'status')::public.campaign_status,
                                       (r ->> 'revenue')::numeric)
           then (r ->> 'budget')::numeric else 0 end,
      case when public.campaign_in_roi((r ->> 'budget')::numeric, (r ->> 'status')::public.campaign_status,
                                       (r ->> 'revenue')::numeric)
           then coalesce((r ->> 'revenue')::numeric, 0) else 0 end, 0, 0]::numeric[]
    when source = 'shared_customers' then
      array[0, 0, 1, coalesce((r ->> 'joint_revenue')::numeric, 0), 0, 0, 0, 0, 0]::numeric[]
  end
$$;

create function public.partner_figures_recount(p_partner text)
returns table (referrals_made bigint, referrals_received bigint, shared_customers bigint, revenue_attributed numeric,
               campaigns bigint, campaign_budget numeric, campaign_budgeted_revenue numeric,
               conversions bigint, commission_paid numeric)
language sql stable
as $$
  select (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'inbound'),
         (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'outbound'),
         (select count(*) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null),
         coalesce((select sum(r.deal_value) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null
                     and r.direction = 'inbound' and r.status = 'converted'), 0)
       + coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null), 0)
       + coalesce((select sum(s.joint_revenue) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null), 0),
         (select count(*) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null),
         coalesce((select sum(c.budget) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null
                     and public.campaign_in_roi(c.budget, c.status, c.revenue)), 0),
         coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null
                     and public.campaign_in_roi(c.budget, c.status, c.revenue)), 0),
         (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null
             and r.direction = 'inbound' and r.status = 'converted'),
         coalesce((select sum(r.commission_amount) from public.referrals r where r.partner_id = p_partner
                     and r.deleted_at is null and r.direction = 'inbound' and r.commission_paid), 0)
$$;
grant execute on function public.partner_figures_recount(p_partner text) to partnerships_app;

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
         campaign_budgeted_revenue = campaign_budgeted_revenue + d[7],
         conversions = conversions + d[8]::integer,
         commission_paid = commission_paid + d[9]
   where id = p_partner;
  if not found then
    -- Its record was written under the partner's lock (attached_guard), so
    -- this is a partner that changed hands meanwhile: never a silent loss.
    raise exception 'the partner changed at the same time' using errcode = '40001';
  end if;
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

-- AFTER each change of a partner: what the old row counted leaves its
-- total, what the new row counts joins its own.
create function public.partner_totals_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  was_live boolean := false;
  is_live boolean := false;
begin
  if TG_OP <> 'INSERT' then
    was_live := old.deleted_at is null;
  end if;
  if TG_OP <> 'DELETE' then
    is_live := new.deleted_at is null;
  end if;
  if was_live and is_live and old.owner_user_id = new.owner_user_id and old.status_rank = new.status_rank then
    if old.revenue_attributed <> new.revenue_attributed or old.referrals_received <> new.referrals_received then
      perform public.partner_totals_add(new.owner_user_id, new.status_rank, 0,
                                        new.revenue_attributed - old.revenue_attributed,
                                        new.referrals_received - old.referrals_received);
    end if;
    return null;
  end if;
  -- Two totals: in key order, so two writers never wait on each other's
  -- totals crosswise.
  if was_live and (not is_live or (old.owner_user_id, old.status_rank) < (new.owner_user_id, new.status_rank)) then
    perform public.partner_totals_add(old.owner_user_id, old.status_rank, -1, -old.revenue_attributed, -old.referrals_received);
    was_live := false;
  end if;
  if is_live then
    perform public.partner_totals_add(new.owner_user_id, new.status_rank, 1, new.revenue_attributed, new.referrals_received);
  end if;
  if was_live then
    perform public.partner_totals_add(old.owner_user_id, old.status_rank, -1, -old.revenue_attributed, -old.referrals_received);
  end if;
  return null;
end
$$;

-- The recount the kept totals must equal (tests compare them).
create function public.partner_totals_recount()
returns table (owner_user_id text, status_rank smallint, partners bigint, revenue numeric, intros bigint)
language sql stable
as $$
  select p.owner_user_id, p.status_rank, count(*), sum(p.revenue_attributed), sum(p.referrals_received)
    from public.partners p where p.deleted_at is null group by p.owner_user_id, p.status_rank
$$;
grant execute on function public.partner_totals_recount() to partnerships_app;

-- The owners and statuses whose kept totals differ from the recount: none,
-- always (the SQL tests and the soak check it).
create function public.partner_totals_drift()
returns table (owner_user_id text, status_rank smallint)
language sql stable
as $$
  select owner_user_id, status_rank
    from public.partner_totals t full join public.partner_totals_recount() r using (owner_user_id, status_rank)
   where coalesce(t.partners, 0) <> coalesce(r.partners, 0) or coalesce(t.revenue, 0) <> coalesce(r.revenue, 0)
      or coalesce(t.intros, 0) <> coalesce(r.intros, 0)
$$;
grant execute on function public.partner_totals_drift() to partnerships_app;

create or replace function public.partner_review_totals_add(p_owner text, p_date date, p_partners integer) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.partner_review_totals as t (owner_user_id, next_review, partners)
  values (p_owner, p_date, p_partners)
  on conflict (owner_user_id, next_review) do update set partners = t.partners + excluded.partners;
end
$$;

-- AFTER each change of a partner: unless it counts under the same owner and
-- date as before, it leaves the old date's count and joins the new one's,
-- in key order.
create function public.partner_review_totals_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  was_due date;   -- the review date the old row counted under (null: none)
  is_due date;
begin
  if TG_OP <> 'INSERT' and old.deleted_at is null then
    was_due := old.next_review;
  end if;
  if TG_OP <> 'DELETE' and new.deleted_at is null then
    is_due := new.next_review;
  end if;
  if was_due is not null and is_due is not null and old.owner_user_id = new.owner_user_id and was_due = is_due then
    return null;
  end if;
  if was_due is not null and (is_due is null or (old.owner_user_id, was_due) < (new.owner_user_id, is_due)) then
    perform public.partner_review_totals_add(old.owner_user_id, was_due, -1);
    was_due := null;
  end if;
  if is_due is not null then
    perform public.partner_review_totals_add(new.owner_user_id, is_due, 1);
  end if;
  if was_due is not null then
    perform public.partner_review_totals_add(old.owner_user_id, was_due, -1);
  end if;
  return null;
end
$$;

-- The owners and review dates whose kept count differs from a recount:
-- none, always (the SQL tests and the soak check it).
create function public.partner_review_totals_drift()
returns table (owner_user_id text, next_review date)
language sql stable
as $$
  select owner_user_id, next_review
    from public.partner_review_totals t
    full join (select p.owner_user_id, p.next_review, count(*) as partners from public.partners p
                where p.deleted_at is null and p.next_review is not null group by p.owner_user_id, p.next_review) r
      using (owner_user_id, next_review)
   where coalesce(t.partners, 0) <> coalesce(r.partners, 0)
$$;
grant execute on function public.partner_review_totals_drift() to partnerships_app;

CREATE TRIGGER campaigns_figures AFTER INSERT OR UPDATE ON public.campaigns FOR EACH ROW EXECUTE FUNCTION public.partner_figures_follow();
CREATE TRIGGER partners_review_totals AFTER INSERT OR DELETE ON public.partners FOR EACH ROW WHEN ((current_setting('partnerships.bulk_totals'::text, true) IS DISTINCT FROM 'on'::text)) EXECUTE FUNCTION public.partner_review_totals_follow();
CREATE TRIGGER partners_review_totals_update AFTER UPDATE ON public.partners FOR EACH ROW WHEN (((old.owner_user_id IS DISTINCT FROM new.owner_user_id) OR (old.next_review IS DISTINCT FROM new.next_review) OR ((old.deleted_at IS NULL) <> (new.deleted_at IS NULL)))) EXECUTE FUNCTION public.partner_review_totals_follow();
CREATE TRIGGER partners_totals AFTER INSERT OR DELETE ON public.partners FOR EACH ROW WHEN ((current_setting('partnerships.bulk_totals'::text, true) IS DISTINCT FROM 'on'::text)) EXECUTE FUNCTION public.partner_totals_follow();
CREATE TRIGGER partners_totals_update AFTER UPDATE ON public.partners FOR EACH ROW WHEN (((old.owner_user_id IS DISTINCT FROM new.owner_user_id) OR (old.status IS DISTINCT FROM new.status) OR ((old.deleted_at IS NULL) <> (new.deleted_at IS NULL)) OR (old.revenue_attributed <> new.revenue_attributed) OR (old.referrals_received <> new.referrals_received))) EXECUTE FUNCTION public.partner_totals_follow();
CREATE TRIGGER referrals_figures AFTER INSERT OR UPDATE ON public.referrals FOR EACH ROW EXECUTE FUNCTION public.partner_figures_follow();
CREATE TRIGGER shared_customers_figures AFTER INSERT OR UPDATE ON public.shared_customers FOR EACH ROW EXECUTE FUNCTION public.partner_figures_follow();

create policy partner_review_totals_read on public.partner_review_totals for select
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));

create policy partner_totals_read on public.partner_totals for select
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));
