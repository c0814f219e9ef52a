-- 06: the performance table (a security_invoker view).

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

COMMENT ON VIEW public.partner_performance IS 'The performance table: one row per live partner, with computed metrics.';

GRANT SELECT ON TABLE public.partner_performance TO partnerships_app;
