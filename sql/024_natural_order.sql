-- 024: text sorts the way people read it: numbers within it by their value
-- ("Acme 6" before "Acme 100"), whatever the server's locale.  The sortable
-- text columns take an ICU collation with numeric ordering; their indexes
-- are rebuilt with it, so an index still serves each sort, and every route
-- and the CSV export get the same order.  A generated column cannot outlive
-- a change of the columns it is made from: search_text is made again (the
-- same expression), and the performance view, which reads the partner's
-- company, is made again around the change.

create collation public.natural_order (provider = icu, locale = 'und-u-kn-true');
comment on collation public.natural_order is 'Text as people read it: numbers within it by their value ("Acme 6" before "Acme 100").';

drop view public.partner_performance;
alter table public.partners drop column search_text;
alter table public.partners
  alter column company type text collate public.natural_order,
  alter column contact_name type text collate public.natural_order,
  alter column contact_email type text collate public.natural_order;
alter table public.partners add column search_text text generated always as (lower(((((((((((company || ' '::text) || contact_name) || ' '::text) || contact_email) || ' '::text) || COALESCE(contact_phone, ''::text)) || ' '::text) || COALESCE(commission_rate, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) stored;
comment on column public.partners.search_text is 'Lower-cased text fields, for q= search: a substring match over the reader''s rows, with no index (013).';

alter table public.campaigns drop column search_text;
alter table public.campaigns
  alter column name type text collate public.natural_order,
  alter column channel type text collate public.natural_order;
alter table public.campaigns add column search_text text generated always as (lower(((((((name || ' '::text) || COALESCE(channel, ''::text)) || ' '::text) || COALESCE(budget_split, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.referrals drop column search_text;
alter table public.referrals
  alter column lead_name type text collate public.natural_order,
  alter column lead_company type text collate public.natural_order;
alter table public.referrals add column search_text text generated always as (lower(((((((lead_name || ' '::text) || COALESCE(lead_company, ''::text)) || ' '::text) || COALESCE(lead_email, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.integrations drop column search_text;
alter table public.integrations
  alter column name type text collate public.natural_order,
  alter column api_version type text collate public.natural_order;
alter table public.integrations add column search_text text generated always as (lower(((((name || ' '::text) || COALESCE(api_version, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.integration_ideas drop column search_text;
alter table public.integration_ideas
  alter column description type text collate public.natural_order;
alter table public.integration_ideas add column search_text text generated always as (lower(((description || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.shared_customers drop column search_text;
alter table public.shared_customers
  alter column customer type text collate public.natural_order,
  alter column your_product type text collate public.natural_order,
  alter column partner_product type text collate public.natural_order;
alter table public.shared_customers add column search_text text generated always as (lower(((((((customer || ' '::text) || COALESCE(your_product, ''::text)) || ' '::text) || COALESCE(partner_product, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.checklists drop column search_text;
alter table public.checklists
  alter column title type text collate public.natural_order;
alter table public.checklists add column search_text text generated always as (lower(((title || ' '::text) || COALESCE(notes, ''::text)))) stored;

alter table public.views drop column search_text;
alter table public.views
  alter column name type text collate public.natural_order;
alter table public.views add column search_text text generated always as (lower(name)) stored;

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
