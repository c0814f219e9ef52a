-- Demo data for `make run` on an empty database (DEMO=0 skips it): a few
-- partners along the pipeline, owned by the first admin.
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
commit;
