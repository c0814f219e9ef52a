-- 021: drift that writing the schema out (sql/schema/) showed.  Nothing a
-- request does changes; the schema says again what it does.

-- The attached tables' derived columns, as their triggers have them: 008
-- added status_rank to campaigns_touch but not to this list, which 018's
-- loop and anyone reading it go by.
create or replace function public.attached_tables()
returns table (table_name text, collection text, derived text[], feeds_partner boolean)
language sql immutable
as $$
  values ('campaigns', 'campaigns', array['owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank'], true),
         ('referrals', 'referrals', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('integrations', 'integrations', array['owner_user_id', 'deleted_with_partner', 'search_text'], false),
         -- An idea shows its owner (it may have no partner): a change of owner is logged.
         ('integration_ideas', 'integration-ideas', array['deleted_with_partner', 'search_text'], false),
         ('shared_customers', 'shared-customers', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('checklists', 'checklists', array['owner_user_id', 'deleted_with_partner', 'search_text'], false)
$$;

-- pg_trgm served the trigram indexes on search_text, which 011 dropped;
-- nothing has used it since (013: a search filters the reader's rows).
-- Where a superuser installed it, or something else of the site's uses it,
-- it stays (the upgrade goes on; it costs nothing unused).
do $$
begin
  drop extension if exists pg_trgm;
exception when insufficient_privilege or dependent_objects_still_exist then
  raise notice 'pg_trgm is kept: %', sqlerrm;
end
$$;

comment on column public.partners.search_text is
  'Lower-cased text fields, for q= search: a substring match over the reader''s rows, with no index (013).';
