-- 019: sign-in limits that do not lock the owner out, counted atomically;
-- a password change that can end the user's API tokens.
--
-- Failed sign-ins were limited per account: ten wrong passwords from
-- anywhere locked anyone's account for the window, its owner included.
-- The account's limit now counts per account and address together, so a
-- stranger's failures lock only the stranger's address out of that
-- account; the per-address limit (over every account) still stops one
-- address trying many accounts or passwords (README "Sign-in limits").
--
-- And the limit was check-then-act: the program asked whether an attempt
-- was allowed, verified the password (argon2, ~0.1 s), and only then
-- counted the failure, so attempts made at once all passed the check.  An
-- attempt is now counted before the password is verified, in the one
-- statement that decides whether it may go on: the upsert takes each
-- counter's row lock, so attempts at once are counted one after another
-- and no more of them go on than the limit.  A sign-in that succeeds takes
-- its attempt back off the address's count and clears the pair's.

comment on table public.login_failures is
  'Sign-in attempts not (yet) known to have succeeded, per key (''pair:<address> <email>'': an account from one address, or ''address:<ip>'': every account from one address) in the current window, for throttling.';

-- Counts one attempt against the account-and-address and the address
-- limits; true when neither is over its limit with it, so the password
-- may be verified.  An attempt refused is counted too (the window does not
-- move, so waiting it out is enough).
create function public.auth_login_attempt(p_email text, p_address text, p_max_pair integer, p_max_address integer,
                                          p_window interval)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with counted as (
    insert into public.login_failures as f (key, window_start, failures)
    values ('pair:' || coalesce(p_address, '') || ' ' || lower(btrim(p_email)), now(), 1),
           ('address:' || coalesce(p_address, ''), now(), 1)
    on conflict (key) do update
      set failures = case when f.window_start > now() - p_window then f.failures + 1 else 1 end,
          window_start = case when f.window_start > now() - p_window then f.window_start else now() end
    returning f.key, f.failures)
  select bool_and(failures <= case when key like 'address:%' then p_max_address else p_max_pair end) from counted
$$;

-- The password was right: the pair starts again from nothing, and the
-- address's count loses this attempt (it counts failures).
create function public.auth_login_passed(p_email text, p_address text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from public.login_failures where key = 'pair:' || coalesce(p_address, '') || ' ' || lower(btrim(p_email));
  update public.login_failures set failures = failures - 1
   where key = 'address:' || coalesce(p_address, '') and failures > 0;
$$;

-- Ends every API token of the acting user (POST /me/password with
-- "endTokens": true), in the password change's transaction.
create function public.auth_tokens_end()
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.api_tokens where user_id = public.current_user_id() $$;

-- What 001 counted with, kept for a program of before 019 during an
-- upgrade; nothing here calls them.
comment on function public.auth_login_allowed(text, text, integer, integer, interval) is
  'Before 019: the check of the per-account limit; superseded by auth_login_attempt.';
comment on function public.auth_login_failed(text, text, interval) is
  'Before 019: counted a failure after the fact; superseded by auth_login_attempt.';

grant execute on function
  public.auth_login_attempt(text, text, integer, integer, interval), public.auth_login_passed(text, text),
  public.auth_tokens_end()
  to partnerships_app;
