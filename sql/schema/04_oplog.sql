-- 04: the oplog: one row per insert, update, soft delete and restore of every
-- collection, written by oplog_write() (00).  Its policies name partners and
-- integration ideas, so it comes after them.

CREATE TABLE public.oplog (
    seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_user_id text,
    entity text NOT NULL,
    record_id text NOT NULL,
    partner_id text,
    op text NOT NULL,
    changes jsonb NOT NULL,
    CONSTRAINT oplog_op_check CHECK ((op = ANY (ARRAY['insert'::text, 'update'::text, 'delete'::text, 'restore'::text])))
);
ALTER TABLE ONLY public.oplog
    ADD CONSTRAINT oplog_pkey PRIMARY KEY (seq);

CREATE INDEX oplog_partner_idx ON public.oplog USING btree (partner_id, seq);
CREATE INDEX oplog_record_idx ON public.oplog USING btree (entity, record_id, seq);
-- 038: the feed of one role's users (GET /oplog?actorRole=).
CREATE INDEX oplog_actor_idx ON public.oplog USING btree (actor_user_id, seq);

ALTER TABLE public.oplog ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.oplog IS 'Append-only history of every change: who, when, which record, which fields (old and new).';
COMMENT ON COLUMN public.oplog.entity IS 'The API collection name (partners, campaigns, ...).';
COMMENT ON COLUMN public.oplog.partner_id IS 'The partner the record belongs to now (its own id for partners; null for an idea without one): who may read the row follows from it. Follows the record to another partner (oplog_follow_partner).';
COMMENT ON COLUMN public.oplog.changes IS '{"apiFieldName": [old, new]} for each field that changed; secrets and derived figures are left out.';

grant select on public.oplog to partnerships_app;

-- The feed's horizon (039): every row under it is committed or rolled back
-- for good.  A sequence number is drawn when a row is written but seen when
-- its transaction commits, so a reader paging by number could pass a
-- transaction still open under it; each transaction writing oplog rows
-- holds a lock whose key carries a bound its rows cannot be under
-- (oplog_write(), 00), and the horizon is the lowest of them (the largest
-- number when none is open).
create function public.oplog_horizon() returns bigint
language sql stable
as $$
  select coalesce(min(k.key # public.oplog_lock_key(0)), 9223372036854775807)
    from pg_catalog.pg_locks l, lateral (select (l.classid::bigint << 32) | l.objid::bigint as key) k
   where l.locktype = 'advisory' and l.objsubid = 1 and k.key >> 48 = public.oplog_lock_key(0) >> 48
$$;
grant execute on function public.oplog_horizon() to partnerships_app;

create policy oplog_admin on public.oplog for select using ((select public.app_is_admin()));

create policy oplog_own_idea on public.oplog for select
  using (entity = 'integration-ideas' and partner_id is null
         and exists (select 1 from public.integration_ideas i where i.id = oplog.record_id));

create policy oplog_partner on public.oplog for select
  using (partner_id is not null and exists (select 1 from public.partners p where p.id = oplog.partner_id));
