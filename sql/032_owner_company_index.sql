-- 032: a member's partners by company, the list's default order, read in
-- that order from an index: partners_owner_idx leads with status_rank, so
-- a member's list sorted by company sorted all of the member's partners
-- (2,000 at the bench's scale) for every page.  make bench, SCALE=1, 16
-- connections: 939 req/s before (0.81 of the hand-written peer's).
create index partners_owner_company_idx on public.partners using btree (owner_user_id, company, id)
  where deleted_at is null;
