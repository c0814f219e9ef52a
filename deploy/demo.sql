-- Demo data for `make run` on an empty database (DEMO=0 skips it): a few
-- partners along the pipeline, owned by the first admin, with campaigns,
-- referrals both ways, integrations, ideas, shared customers and
-- checklists, so that every page of the hub has something to show.
\set ON_ERROR_STOP 1
begin;
select set_config('partnerships.user_id', (select id from public.users where lower(email) = lower(:'admin_email')), true);

insert into public.partners (company, contact_name, contact_email, type, status, tier, agreement_url,
                             commission_rate, integration_status, next_review, notes,
                             audience_overlap, strategic_value, execution_effort)
values
  ('Northwind Analytics', 'Dana Whitfield', 'dana@northwind.example', 'integration', 'active', 'strategic',
   'https://northwind.example/agreements/2026', '15%', 'launched', current_date + 20,
   'Bidirectional sync live since spring; co-webinar planned.', 5, 5, 2),
  ('Brightpath Media', 'Luis Ortega', 'luis@brightpath.example', 'co_marketing', 'onboarding', 'premier',
   null, null, null, current_date - 3, 'Joint blog series in draft.', 4, 3, 2),
  ('Harbor & Co Consulting', 'Mei Tanaka', 'mei@harbor.example', 'referral', 'active', 'standard',
   'https://harbor.example/referral-terms', '10%', null, current_date + 45, null, 3, 3, 1),
  ('Quillstack', 'Ravi Menon', 'ravi@quillstack.example', 'customer_sharing', 'negotiating', 'standard',
   null, 'flat 500', null, null, 'Overlap with our mid-market base.', 3, 2, 3),
  ('Summit Resellers', 'Ana Costa', 'ana@summit.example', 'channel_reseller', 'prospect', 'lightweight',
   null, '20%', null, null, null, null, null, null),
  ('Atlas Cloud Alliance', 'Jonas Berg', 'jonas@atlascloud.example', 'ecosystem_alliance', 'expanding', 'strategic',
   'https://atlascloud.example/alliance', null, 'maintaining', current_date, 'Marketplace listing renewed.', 5, 4, 3),
  ('Pixel Forge', 'Sara Lindqvist', 'sara@pixelforge.example', 'co_marketing', 'churned', 'lightweight',
   null, null, null, null, 'Ended after Q2: no reciprocal promotion.', 2, 1, 4);

-- Attached records name their partner by company.
create temporary table demo_partner on commit drop as select id, company from public.partners;
create function pg_temp.p(name text) returns text language sql as $$ select id from demo_partner where company = name $$;

insert into public.campaigns (partner_id, name, type, channel, status, start_date, end_date, budget, budget_split,
                              leads, conversions, revenue, deliverables)
values
  (pg_temp.p('Northwind Analytics'), 'Data Stack Webinar', 'webinar', 'Zoom', 'completed', current_date - 60,
   current_date - 60, 4000, '50/50', 320, 24, 18500, '["Landing page", "Slides", "Recording"]'),
  (pg_temp.p('Northwind Analytics'), 'Integration Launch Post', 'blog_post', 'Blog', 'promoting', current_date - 7,
   null, 500, '100/0', 85, 4, 2400, '["Blog post", "Social posts"]'),
  (pg_temp.p('Brightpath Media'), 'Guest Post Exchange', 'blog_post', 'Blog', 'creating', current_date + 5, null,
   0, null, 0, 0, 0, '["Two guest posts"]'),
  (pg_temp.p('Atlas Cloud Alliance'), 'Marketplace Bundle', 'bundle_promotion', 'Marketplace', 'planning',
   current_date + 30, current_date + 90, 12000, '60/40', 0, 0, 0, '["Bundle page", "Pricing sheet"]'),
  (pg_temp.p('Pixel Forge'), 'Social Swap', 'social_swap', 'LinkedIn', 'archived', current_date - 200,
   current_date - 180, 300, '50/50', 40, 1, 600, '[]');

insert into public.referrals (partner_id, direction, lead_name, lead_company, lead_email, status, deal_value,
                              commission_amount, commission_paid, referred_date, lead_opt_in, partner_opt_in, notes)
values
  (pg_temp.p('Harbor & Co Consulting'), 'inbound', 'Priya Shah', 'Lumen Retail', 'priya@lumen.example', 'converted',
   24000, 2400, true, current_date - 90, false, false, 'Signed annual plan.'),
  (pg_temp.p('Harbor & Co Consulting'), 'inbound', 'Tom Becker', 'Greyline Freight', 'tom@greyline.example',
   'qualified', 15000, null, false, current_date - 20, false, false, null),
  (pg_temp.p('Harbor & Co Consulting'), 'outbound', 'Elena Ruiz', 'Cobalt Legal', 'elena@cobalt.example',
   'introduced', null, null, false, current_date - 10, true, true, 'Needs process consulting for rollout.'),
  (pg_temp.p('Northwind Analytics'), 'outbound', 'Ken Ito', 'Sora Health', 'ken@sora.example', 'introduced', null,
   null, false, current_date - 3, true, false, 'Evaluating analytics vendors.'),
  (pg_temp.p('Quillstack'), 'outbound', 'Mia Novak', 'Fernway', null, 'lost', null, null, false,
   current_date - 40, true, true, null);

insert into public.integrations (partner_id, name, type, status, api_version, shared_customers, health, error_rate,
                                 last_sync)
values
  (pg_temp.p('Northwind Analytics'), 'Northwind Sync', 'bidirectional_sync', 'maintaining', 'v3', 42, 'healthy',
   0.4, now() - interval '2 hours'),
  (pg_temp.p('Atlas Cloud Alliance'), 'Atlas Marketplace App', 'embedded', 'launched', '2025-10', 18, 'at_risk',
   3.2, now() - interval '1 day'),
  (pg_temp.p('Quillstack'), 'Quillstack Webhooks', 'webhook', 'discovery', null, null, 'unknown', null, null);

insert into public.integration_ideas (partner_id, description, customer_request_count, effort, priority)
values
  (pg_temp.p('Northwind Analytics'), 'Push usage events into Northwind dashboards', 14, 3, 'high'),
  (pg_temp.p('Quillstack'), 'Single sign-on with Quillstack accounts', 9, 2, 'medium'),
  (null, 'Zapier connector', 22, 2, 'critical');

insert into public.shared_customers (partner_id, customer, your_product, partner_product, joint_revenue, health)
values
  (pg_temp.p('Northwind Analytics'), 'Lumen Retail', 'Partnerships Pro', 'Northwind BI', 36000, 'healthy'),
  (pg_temp.p('Northwind Analytics'), 'Greyline Freight', 'Partnerships', 'Northwind BI', 12000, 'at_risk'),
  (pg_temp.p('Atlas Cloud Alliance'), 'Sora Health', 'Partnerships Pro', 'Atlas Cloud', 54000, 'healthy');

insert into public.checklists (partner_id, template_key, fields)
values
  (pg_temp.p('Brightpath Media'), 'new_partner', '{}'),
  (pg_temp.p('Northwind Analytics'), 'joint_webinar', '{"name": "Northwind Analytics", "topic": "Modern data stacks", "date": "2026-12-10"}'),
  (pg_temp.p('Pixel Forge'), 'partner_offboarding', '{}');
commit;
