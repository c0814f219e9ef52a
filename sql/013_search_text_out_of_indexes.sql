-- 013: a partner's search text leaves the btree indexes again.
--
-- 011 put search_text into the owner and company indexes (INCLUDE), so a
-- search could filter index entries.  But the search text holds the notes,
-- up to 20,000 characters, and a btree entry holds at most about 2.7 kB
-- (after compression): a partner whose notes did not compress that far
-- could not be saved at all ("index row requires 16600 bytes").  Saving
-- every partner matters more than a faster search: the indexes go back to
-- 008's, and a search filters the reader's rows as it did before 011.
-- The API test "notes of any allowed length" saves 20,000 characters that
-- do not compress and finds a word at their end.

drop index public.partners_owner_idx;
create index partners_owner_idx on public.partners (owner_user_id, status_rank, company, id)
  include (revenue_attributed) where deleted_at is null;
drop index public.partners_company_idx;
create index partners_company_idx on public.partners (company, id) where deleted_at is null;
