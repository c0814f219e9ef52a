-- 010: reviews due from partners counted per owner and review date.
--
-- The overview counted every live partner of the reader whose next review
-- is today or earlier: at ten times the company, 5,000 index entries a
-- member (a quarter of the seeded partners are due), which kept the
-- overview at 2.2x the default scale's cost.  Which partners are due
-- depends on today, so no single total can be kept; the number of partners
-- per owner and review date can, and the overview sums the dates up to
-- today: one row per date that has a partner, whatever the number of
-- partners.
--
-- A write waits only for another transaction moving a partner of the same
-- owner to or from the same date.

create table public.partner_review_totals (
  owner_user_id text not null references public.users (id),
  next_review date not null,
  partners integer not null default 0,
  primary key (owner_user_id, next_review)
);
comment on table public.partner_review_totals is
  'Live partners per owner and next review date (kept by partner_totals_follow).';
alter table public.partner_review_totals enable row level security;
create policy partner_review_totals_read on public.partner_review_totals for select
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));
grant select on public.partner_review_totals to partnerships_app;

create function public.partner_review_totals_add(p_owner text, p_date date, p_partners integer) returns void
language sql security definer set search_path = ''
as $$
  insert into public.partner_review_totals as t (owner_user_id, next_review, partners)
  values (p_owner, p_date, p_partners)
  on conflict (owner_user_id, next_review) do update set partners = t.partners + excluded.partners
$$;

-- AFTER each change of a partner: unless it counts under the same owner and
-- date as before, it leaves the old date's count and joins the new one's,
-- in key order.
create function public.partner_review_totals_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  was_due date;   -- the review date the old row counted under (null: none)
  is_due date;
begin
  if TG_OP <> 'INSERT' and old.deleted_at is null then
    was_due := old.next_review;
  end if;
  if TG_OP <> 'DELETE' and new.deleted_at is null then
    is_due := new.next_review;
  end if;
  if was_due is not null and is_due is not null and old.owner_user_id = new.owner_user_id and was_due = is_due then
    return null;
  end if;
  if was_due is not null and (is_due is null or (old.owner_user_id, was_due) < (new.owner_user_id, is_due)) then
    perform public.partner_review_totals_add(old.owner_user_id, was_due, -1);
    was_due := null;
  end if;
  if is_due is not null then
    perform public.partner_review_totals_add(new.owner_user_id, is_due, 1);
  end if;
  if was_due is not null then
    perform public.partner_review_totals_add(old.owner_user_id, was_due, -1);
  end if;
  return null;
end
$$;
-- Triggers fire in the order of their names: these before the totals of
-- sql/009 (partners_totals*), on every write, so that writers take the
-- rows of the two tables in one order.  An update that moves no review
-- date, owner or deletion is passed over before any function runs.
create trigger partners_review_totals after insert or delete on public.partners
  for each row execute function public.partner_review_totals_follow();
create trigger partners_review_totals_update after update on public.partners
  for each row when (old.owner_user_id is distinct from new.owner_user_id
                     or old.next_review is distinct from new.next_review
                     or (old.deleted_at is null) <> (new.deleted_at is null))
  execute function public.partner_review_totals_follow();

-- The owners and review dates whose kept count differs from a recount:
-- none, always (the SQL tests and the soak check it).
create function public.partner_review_totals_drift()
returns table (owner_user_id text, next_review date)
language sql stable
as $$
  select owner_user_id, next_review
    from public.partner_review_totals t
    full join (select p.owner_user_id, p.next_review, count(*) as partners from public.partners p
                where p.deleted_at is null and p.next_review is not null group by p.owner_user_id, p.next_review) r
      using (owner_user_id, next_review)
   where coalesce(t.partners, 0) <> coalesce(r.partners, 0)
$$;
grant execute on function public.partner_review_totals_drift() to partnerships_app;

-- The counts of the partners there are (every row: row-level security is
-- lifted for the owner running this migration, inside its transaction).
alter table public.partners no force row level security;
insert into public.partner_review_totals (owner_user_id, next_review, partners)
select p.owner_user_id, p.next_review, count(*) from public.partners p
 where p.deleted_at is null and p.next_review is not null group by p.owner_user_id, p.next_review;
alter table public.partners force row level security;
