-- 014: a member's partners of one status, by revenue, from an index in
-- that order.
--
-- The pipeline list sorted by revenue (the most valuable partners in a
-- stage) read every one of the owner's entries in that status and sorted
-- them: at ten times the company, 3,300 entries for a page of 50, 2.2x the
-- default scale's time.  This index returns them in order; a filter on one
-- status is an equality (the program's), so the scan stops after the page.
create index partners_owner_revenue_idx on public.partners
  (owner_user_id, status_rank, revenue_attributed desc nulls last, id) where deleted_at is null;
