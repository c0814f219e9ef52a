-- 035: whether the acting user is an admin, and a partner user's partner,
-- are PL/pgSQL, planned once per session.  As SQL functions with a SET
-- clause (which PostgreSQL neither inlines nor keeps a plan of) they were
-- planned at every call: app_is_admin() cost 0.21 ms a call, 0.07 ms as
-- PL/pgSQL (pgbench, one client, SCALE=10).  The row policies call it once
-- per statement for any reader who meets a row not their own: every list
-- an admin reads, and each search's search_matches() (034).

create or replace function public.app_is_admin() returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return exists (select 1 from public.users u
                 where u.id = public.current_user_id() and u.role = 'admin' and not u.disabled);
end
$$;

create or replace function public.app_partner_id() returns text
language plpgsql stable security definer set search_path = ''
as $$
begin
  return (select u.partner_id from public.users u
           where u.id = public.current_user_id() and u.role = 'partner' and not u.disabled);
end
$$;
