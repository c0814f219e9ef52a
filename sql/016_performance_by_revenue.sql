-- 016: the performance table, best first, reads as far as its page.
--
-- GET /performance is sorted by revenue (highest first) over all of the
-- reader's partners: every one of them was read and sorted for a page of
-- 50, and counted for the total (a member with 30,000 partners: 37 ms).
-- Two indexes give the partners in that order, a member's and (for an
-- admin, who sees every owner's) everyone's, so the page is the first 50
-- entries; the status-filtered list keeps 014's index, which also has the
-- status.  The total of a list that only statuses narrow comes from the
-- kept totals (sql/009), as the partner list's does: the view gains the
-- status's position, which the program's status filter compares.

create index partners_owner_by_revenue_idx on public.partners (owner_user_id, revenue_attributed desc nulls last, id)
  where deleted_at is null;
create index partners_by_revenue_idx on public.partners (revenue_attributed desc nulls last, id) where deleted_at is null;

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
       p.deleted_at,
       p.status_rank
  from public.partners p
 where p.deleted_at is null;
