-- 06: the performance table (a security_invoker view) and its API JSON.

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

create function public.api_performance(v public.partner_performance) returns json
language sql stable
as $$
  select json_build_object(
    'partnerId', v.partner_id, 'company', v.company, 'type', v.type, 'status', v.status,
    'ownerUserId', v.owner_user_id, 'referrals', v.referrals, 'revenue', v.revenue, 'campaigns', v.campaigns,
    'sharedCustomers', v.shared_customers, 'roi', v.roi, 'score', v.score, 'engagement', v.engagement)
$$;
grant execute on function public.api_performance(v public.partner_performance) to partnerships_app;
