-- 029: a partner's ROI counts the campaigns that have results.  A campaign
-- still in planning ($12k budget, no revenue yet) made a partner with
-- $54,000 of revenue show -100%; now a campaign counts in the ROI once it is
-- completed or archived, or revenue is recorded for it (campaign_in_roi),
-- and the partner's campaign_budget and campaign_budgeted_revenue (the
-- ROI's two terms) are kept that way.  Every partner is counted again.

-- Whether a campaign counts in its partner's ROI: it has a budget and
-- results (it is completed or archived, or revenue is recorded).  A campaign
-- still being planned is a cost without results yet, not a loss.
create function public.campaign_in_roi(budget numeric, status public.campaign_status, revenue numeric) returns boolean
language sql immutable
as $$ select budget is not null and (status in ('completed', 'archived') or coalesce(revenue, 0) > 0) $$;
grant execute on function public.campaign_in_roi(budget numeric, status public.campaign_status, revenue numeric) to partnerships_app;

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


create or replace function public.partner_figures_recount(p_partner text)
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

comment on column public.partners.campaign_budget is 'Sum of the budgets of live campaigns with results (campaign_in_roi): the ROI''s denominator (kept by partner_figures_follow).';
comment on column public.partners.campaign_budgeted_revenue is 'Sum of the revenue of live campaigns with results (campaign_in_roi): the ROI''s numerator (kept by partner_figures_follow).';
comment on column public.campaigns.roi is '(revenue - budget) / budget; null without a budget.  The partner''s ROI counts only campaigns with results (campaign_in_roi).';

-- Every partner counted again: row-level security lifted for the owner
-- running this, and no trigger fires (no version, no oplog row: nothing a
-- user did).
alter table public.partners no force row level security;
alter table public.campaigns no force row level security;
alter table public.partners disable trigger user;
update public.partners p set campaign_budget = coalesce(c.budget, 0), campaign_budgeted_revenue = coalesce(c.revenue, 0)
  from (select q.id, sum(f.budget) filter (where public.campaign_in_roi(f.budget, f.status, f.revenue)) as budget,
               sum(f.revenue) filter (where public.campaign_in_roi(f.budget, f.status, f.revenue)) as revenue
          from public.partners q left join public.campaigns f on f.partner_id = q.id and f.deleted_at is null
         group by q.id) c
 where c.id = p.id;
alter table public.partners enable trigger user;
alter table public.campaigns force row level security;
alter table public.partners force row level security;
