-- What member :'member' sees of partners through row-level security.
begin;
set local role partnerships_app;
select set_config('partnerships.user_id', :'member', true) \g /dev/null
select count(*) || ' partners, revenue ' || coalesce(sum(revenue_attributed), 0) from public.partners;
commit;
