-- 011: search reads index entries, not rows; the trigram indexes go.
--
-- A search is `search_text like '%…%'`.  Under row-level security
-- PostgreSQL may search an index only with leakproof comparisons (see 008),
-- and LIKE is not one: the trigram (GIN) indexes of 002 and 003 were never
-- used by the application (pg_stat_user_indexes: no scan of any of them
-- after every benchmark route had run), while every write paid for their
-- upkeep.  A search instead read each of the reader's rows from the table
-- (a member with 20,000 partners: 20,000 rows twice, for the page and the
-- total).
--
-- The indexes a partner list is read from now carry the search text, so a
-- search applies LIKE to index entries and reads whole rows only for the
-- page it returns: a member's (owner, status, company) index and, for an
-- admin, the company index.  The other collections keep searching their
-- rows (a member has far fewer of them); their trigram indexes go too.

drop index public.partners_search_idx;
drop index public.campaigns_search_idx;
drop index public.referrals_search_idx;
drop index public.integrations_search_idx;
drop index public.integration_ideas_search_idx;
drop index public.shared_customers_search_idx;
drop index public.checklists_search_idx;

drop index public.partners_owner_idx;
create index partners_owner_idx on public.partners (owner_user_id, status_rank, company, id)
  include (revenue_attributed, search_text) where deleted_at is null;
drop index public.partners_company_idx;
create index partners_company_idx on public.partners (company, id) include (search_text) where deleted_at is null;
