-- 033: the sorts teams use most served in order by an index, for a member
-- (their own partners) and for an admin (everyone's): the pipeline order
-- (status), the latest changed first (-updatedAt) and the best scored
-- first (-score).  Without them each page sorted all the reader's partners:
-- at the bench's scale (2,000 a member, 20,000 in all) about 680 req/s as
-- a member and 180 as an admin, against 1,400-1,900 for the sorts an index
-- already served (company, nextReview, -revenueAttributed).  The other
-- sortable columns stay unindexed: README "Performance" has what each
-- index would cost a write and why.
create index partners_owner_status_sort_idx on public.partners using btree (owner_user_id, status, id) where deleted_at is null;
create index partners_status_sort_idx on public.partners using btree (status, id) where deleted_at is null;
create index partners_owner_updated_idx on public.partners using btree (owner_user_id, updated_at desc nulls last, id) where deleted_at is null;
create index partners_updated_idx on public.partners using btree (updated_at desc nulls last, id) where deleted_at is null;
create index partners_owner_score_idx on public.partners using btree (owner_user_id, score desc nulls last, id) where deleted_at is null;
create index partners_score_idx on public.partners using btree (score desc nulls last, id) where deleted_at is null;
