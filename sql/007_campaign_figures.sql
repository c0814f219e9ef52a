-- 007: the campaign figures of the performance page kept on the partner.
--
-- The performance view counted and summed each partner's campaigns in a
-- lateral subquery, for every one of the reader's partners, before it could
-- sort and take a page (and again for the total).  Like the referral and
-- shared-customer figures (003), the campaign count, the budget and the
-- revenue of budgeted campaigns are now kept on the partner by the same
-- trigger, as differences under the partner's row lock, so the view reads
-- one row per partner.  They are derived figures: not API fields, not in
-- the oplog, no version bump.

alter table public.partners
  add column campaigns integer not null default 0,
  add column campaign_budget numeric(16, 2) not null default 0,
  add column campaign_budgeted_revenue numeric(16, 2) not null default 0;
comment on column public.partners.campaigns is 'Live campaigns of the partner (kept by partner_figures_follow).';
comment on column public.partners.campaign_budget is 'Sum of the live campaigns'' budgets (kept by partner_figures_follow).';
comment on column public.partners.campaign_budgeted_revenue is
  'Sum of the revenue of live campaigns that have a budget: the ROI''s numerator (kept by partner_figures_follow).';

-- Derived figures neither bump the version nor enter the oplog.
drop trigger partners_touch on public.partners;
drop trigger partners_oplog on public.partners;
create trigger partners_touch before update on public.partners
  for each row execute function public.row_touch(
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue');
create trigger partners_oplog after insert or update on public.partners
  for each row execute function public.oplog_write('partners', 'id',
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue');

-- What one row adds to its partner's figures: {referralsMade,
-- referralsReceived, sharedCustomers, revenueAttributed, campaigns,
-- campaignBudget, campaignBudgetedRevenue}.
create or replace function public.partner_contribution(source text, r jsonb) returns numeric[]
language sql immutable
as $$
  select case
    when r ->> 'deleted_at' is not null then array[0, 0, 0, 0, 0, 0, 0]::numeric[]
    when source = 'referrals' then array[
      (r ->> 'direction' = 'inbound')::integer, (r ->> 'direction' = 'outbound')::integer, 0,
      case when r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted'
           then coalesce((r ->> 'deal_value')::numeric, 0) else 0 end, 0, 0, 0]::numeric[]
    when source = 'campaigns' then array[0, 0, 0, coalesce((r ->> 'revenue')::numeric, 0), 1,
      coalesce((r ->> 'budget')::numeric, 0),
      case when r ->> 'budget' is not null then coalesce((r ->> 'revenue')::numeric, 0) else 0 end]::numeric[]
    when source = 'shared_customers' then
      array[0, 0, 1, coalesce((r ->> 'joint_revenue')::numeric, 0), 0, 0, 0]::numeric[]
  end
$$;

-- Adds the differences d (partner_contribution's order) to a partner.
create function public.partner_figures_apply(p_partner text, d numeric[]) returns void
language sql security definer set search_path = ''
as $$
  update public.partners
     set referrals_made = referrals_made + d[1]::integer,
         referrals_received = referrals_received + d[2]::integer,
         shared_customers = shared_customers + d[3]::integer,
         revenue_attributed = revenue_attributed + d[4],
         campaigns = campaigns + d[5]::integer,
         campaign_budget = campaign_budget + d[6],
         campaign_budgeted_revenue = campaign_budgeted_revenue + d[7]
   where id = p_partner
$$;

create or replace function public.partner_figures_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  before numeric[] := array[0, 0, 0, 0, 0, 0, 0];
  after numeric[] := array[0, 0, 0, 0, 0, 0, 0];
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
drop function public.partner_figures_add(text, integer, integer, integer, numeric);

-- The recount the kept figures must equal (tests compare every column).
drop function public.partner_figures_recount(text);
create function public.partner_figures_recount(p_partner text)
returns table (referrals_made bigint, referrals_received bigint, shared_customers bigint, revenue_attributed numeric,
               campaigns bigint, campaign_budget numeric, campaign_budgeted_revenue numeric)
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
         coalesce((select sum(c.budget) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null), 0),
         coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null
                     and c.budget is not null), 0)
$$;
grant execute on function public.partner_figures_recount(text) to partnerships_app;

-- The figures of the partners there are (the triggers keep them from now):
-- every row, so row-level security is lifted for the owner running this
-- migration, inside its transaction, and forced again.
alter table public.partners no force row level security;
alter table public.campaigns no force row level security;
update public.partners p
   set (campaigns, campaign_budget, campaign_budgeted_revenue) =
       (select r.campaigns, r.campaign_budget, r.campaign_budgeted_revenue from public.partner_figures_recount(p.id) r)
 where exists (select 1 from public.campaigns c where c.partner_id = p.id and c.deleted_at is null);
alter table public.partners force row level security;
alter table public.campaigns force row level security;

-- One row per partner, nothing to aggregate (same columns as before).
create or replace view public.partner_performance with (security_invoker = true) as
select p.id,
       p.id as partner_id,
       p.company,
       p.type,
       p.status,
       p.owner_user_id,
       p.referrals_made + p.referrals_received as referrals,
       p.revenue_attributed as revenue,
       p.campaigns::bigint as campaigns,
       p.shared_customers,
       case when p.campaign_budget > 0
            then round((p.campaign_budgeted_revenue - p.campaign_budget) / p.campaign_budget, 4) end as roi,
       p.score,
       public.engagement(p.score) as engagement,
       p.search_text,
       p.deleted_at
  from public.partners p
 where p.deleted_at is null;
