-- Text sorts the way people read it (sql/024): numbers within names by
-- their value, whatever the server's locale, and a list's sort on such a
-- column is still read in an index's order, not sorted.
\set ON_ERROR_STOP 1
begin;
insert into public.users (id, email, name, role) values ('no_alice', 'alice@no.test', 'Alice', 'member');
select set_config('partnerships.user_id', 'no_alice', true);   -- the owner writes (the figures follow as hers)
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id)
select 'nopartner' || lpad(i::text, 12, '0'), c, 'A', 'a@no.test', 'referral', 'no_alice'
  from unnest(array['Acme 100', 'Acme 6', 'acme 20', 'Acme 11', 'Acme 1', 'Beta 2', 'Äpfel 3']) with ordinality x(c, i);
-- A company of partners, so that a sequential scan and a sort are not the cheap plan.
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id)
select 'nofiller' || lpad(i::text, 13, '0'), 'Filler ' || i, 'F', 'f@no.test', 'referral', 'no_alice'
  from generate_series(1, 3000) i;
insert into public.campaigns (id, partner_id, name, type, owner_user_id)
select 'nocampaign' || lpad(i::text, 11, '0'), 'nofiller' || lpad(i::text, 13, '0'), 'Webinar ' || i, 'webinar', 'no_alice'
  from generate_series(1, 12) i;
analyze public.partners;
analyze public.campaigns;

\ir lib/helpers.psql

set local role partnerships_app;
select plan(5);

select is((select array_agg(company order by company, id) from public.partners where id like 'nopartner%'),
          array['Acme 1', 'Acme 6', 'Acme 11', 'acme 20', 'Acme 100', 'Äpfel 3', 'Beta 2'],
          'names sort by the numbers in them, case and accents after the letters');
select is((select array_agg(name order by name desc, id) from public.campaigns where id like 'nocampaign%')::text,
          '{"Webinar 12","Webinar 11","Webinar 10","Webinar 9","Webinar 8","Webinar 7","Webinar 6","Webinar 5","Webinar 4","Webinar 3","Webinar 2","Webinar 1"}',
          'and backwards, on the attached records too');
select doesnt_match(pg_temp.plan_of($$select id from public.partners t where t.owner_user_id = 'no_alice'
                  and t.deleted_at is null order by t.company asc, t.id limit 50$$),
                    '(?n)Sort',
                    'a member''s partners by company are read in an index''s order, not sorted');
select doesnt_match(pg_temp.plan_of($$select id from public.partners t where t.deleted_at is null
                  order by t.company asc, t.id limit 50$$),
                    '(?n)Sort',
                    'and without the owner''s condition (the row policy alone narrows it)');
select is((select public.partner_ref('ACME 6')), 'nopartner000000000002',
          'an import still finds a partner by its company, ignoring case');

select * from finish();
rollback;
