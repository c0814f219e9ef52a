-- 008: a member's partners read from one covering index.
--
-- A member's list, board and overview touch only their own partners, but
-- every row they counted or sorted was read from the table: the owner's
-- rows lie on nearly every page of it, so a board or a status filter read
-- as many pages as a scan of everyone's partners.  This index holds what
-- those queries look at (owner, status, the board's company order, the
-- revenue they sum and sort by, the review date the overview counts), so
-- PostgreSQL answers the counting, numbering and sorting from the index
-- alone and reads whole rows only for the page it returns.  It replaces
-- the (owner, status) index, which it extends.
--
-- The status comparison stays a filter on the index entries rather than a
-- search key: under the row policies only leakproof operators may be
-- pushed into an index scan, and the enum's equality is not marked so.

drop index public.partners_owner_idx;
create index partners_owner_idx on public.partners (owner_user_id, status, company, id)
  include (revenue_attributed, next_review) where deleted_at is null;
