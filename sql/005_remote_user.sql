-- 005_remote_user: sign-on by the company's nginx (PARTNERSHIPS_AUTH_MODE=remote-user).

-- The user nginx authenticated, by email: found (case-insensitively), or
-- created as a member named after the part before the @.  Returns the id,
-- or null for a disabled account.  The program calls it only in
-- remote-user mode and only with the name nginx passed.
create function public.auth_remote_user(p_email text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  found_user public.users;
begin
  select * into found_user from public.users u where lower(u.email) = lower(btrim(p_email));
  if not found then
    insert into public.users (email, name, role)
    values (btrim(p_email), split_part(btrim(p_email), '@', 1), 'member')
    on conflict do nothing
    returning * into found_user;
    if found_user.id is null then   -- made at the same moment by another request
      select * into found_user from public.users u where lower(u.email) = lower(btrim(p_email));
    end if;
  end if;
  return case when found_user.disabled then null else found_user.id end;
end
$$;

revoke execute on function public.auth_remote_user(text) from public;
grant execute on function public.auth_remote_user(text) to partnerships_app;
