-- 038: the oplog rows of one user, in order, from an index: the feed of
-- what users of one role did (GET /oplog?actorRole=partner, the overview's
-- "From your partners") reads each such user's rows instead of looking for
-- them among everyone's.  Partners' contacts act rarely: without it a
-- member's first look read the whole oplog (SCALE=1, 89,000 rows: 190 ms).
create index oplog_actor_idx on public.oplog using btree (actor_user_id, seq);
