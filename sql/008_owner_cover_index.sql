-- 008: a member's partners and campaigns read from covering indexes.
--
-- A member's lists, boards and overview touch only their own rows, but
-- every row they counted or sorted was read from the table: an owner's rows
-- lie on nearly every page of it, so a board or a status filter read as many
-- pages as a scan of everyone's.  The indexes below hold what those queries
-- look at (owner, status, the board's order, the revenue they sum and sort
-- by), so PostgreSQL counts, numbers and sorts from the index alone and
-- reads whole rows only for the page it returns.
--
-- The status is searched by its position in the enumeration, a smallint
-- kept beside it (status_rank): under the row policies PostgreSQL pushes
-- only leakproof comparisons into an index scan, and an enum's equality is
-- not marked leakproof while a smallint's is.  Without it a filter on one
-- status read every one of the owner's index entries.

-- The position of an enum value among its type's labels (1 for the first).
-- Declared immutable so a stored column can keep it: positions change only
-- when a label is added before existing ones (ALTER TYPE ... ADD VALUE
-- BEFORE), and a migration that does so must rebuild the rank columns.
create function public.enum_position(anyenum) returns smallint
language sql immutable parallel safe
as $$ select array_position(enum_range($1), $1)::smallint $$;
grant execute on function public.enum_position(anyenum) to partnerships_app;

alter table public.partners
  add column status_rank smallint generated always as (public.enum_position(status)) stored;
alter table public.campaigns
  add column status_rank smallint generated always as (public.enum_position(status)) stored;
comment on column public.partners.status_rank is 'The status''s position in partner_status: what filters and boards compare.';
comment on column public.campaigns.status_rank is 'The status''s position in campaign_status: what filters and boards compare.';

-- A member's (owner first) and an admin's (no owner) in each board's order.
drop index public.partners_owner_idx;
drop index public.partners_status_idx;
create index partners_owner_idx on public.partners (owner_user_id, status_rank, company, id)
  include (revenue_attributed) where deleted_at is null;
create index partners_status_idx on public.partners (status_rank, company, id)
  include (revenue_attributed) where deleted_at is null;
drop index public.campaigns_owner_idx;
drop index public.campaigns_status_idx;
create index campaigns_owner_idx on public.campaigns (owner_user_id, status_rank, start_date desc nulls last, name, id)
  include (revenue) where deleted_at is null;
create index campaigns_status_idx on public.campaigns (status_rank, start_date desc nulls last, name, id)
  include (revenue) where deleted_at is null;

-- The rank is derived from the status: not in the oplog (the status is),
-- and no change of its own (in a BEFORE trigger a generated column of NEW
-- is not computed yet, so row_touch must not compare it).
drop trigger partners_touch on public.partners;
create trigger partners_touch before update on public.partners
  for each row execute function public.row_touch(
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank');
drop trigger campaigns_touch on public.campaigns;
create trigger campaigns_touch before update on public.campaigns
  for each row execute function public.row_touch('owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank');
drop trigger partners_oplog on public.partners;
create trigger partners_oplog after insert or update on public.partners
  for each row execute function public.oplog_write('partners', 'id',
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank');
drop trigger campaigns_oplog on public.campaigns;
create trigger campaigns_oplog after insert or update on public.campaigns
  for each row execute function public.oplog_write('campaigns', 'partner_id',
    'owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank');
