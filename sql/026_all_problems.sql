-- 026: a refused write names every wrong field (api_row_problems), not only
-- the first one PostgreSQL stops at.

-- Every field a write would be refused for, not only the first: PostgreSQL
-- stops at the first check that fails, so after a refusal (or beside the
-- program's own checks) the program asks for all of them.  candidate is
-- the body in API names (the fields the program accepted); for a patch
-- (id given) it is laid over the stored record.  Each check constraint of
-- the collection's table is tried on that row, and each required column
-- without a default; the answer is {"apiField": "what is wrong"}, in the
-- constraints' own words (their comments), named as the error of the
-- write itself names them (the constraint's name: <table>_<column>_<kind>).
-- Runs for the acting user (row policies apply to the stored record).
create function public.api_row_problems(p_user text, p_collection text, p_id text, p_candidate jsonb) returns json
language plpgsql
set search_path = ''
as $$
declare
  rel regclass;
  rel_name text;
  candidate jsonb;
  c record;
  ok boolean;
  column_name text;
  out jsonb := '{}';
begin
  perform pg_catalog.set_config('partnerships.user_id', p_user, true);
  select r.oid::regclass, r.relname into rel, rel_name
    from public.api_collections k join pg_catalog.pg_class r on r.oid = to_regclass('public.' || quote_ident(k.relation))
   where k.name = p_collection;
  if rel is null then
    return '{}';
  end if;
  select coalesce(jsonb_object_agg(lower(regexp_replace(e.key, '([A-Z])', '_\1', 'g')), e.value), '{}')
    into candidate from jsonb_each(p_candidate) e;
  if p_id is not null then
    execute format('select to_jsonb(t) || $2 from %s t where t.id = $1', rel) into candidate using p_id, candidate;
    if candidate is null then
      return '{}';
    end if;
  end if;
  for c in
    select con.conname, pg_catalog.pg_get_expr(con.conbin, con.conrelid) as expr,
           pg_catalog.obj_description(con.oid, 'pg_constraint') as said
      from pg_catalog.pg_constraint con
     where con.conrelid = rel and con.contype = 'c'
     order by con.conname
  loop
    begin
      execute format('select (%s) is not false from jsonb_populate_record(null::%s, $1) t', c.expr, rel)
        into ok using candidate;
    exception when others then
      ok := true;   -- a value the check cannot even read: the program's own checks name it
    end;
    column_name := case when c.conname like rel_name || '\_%'
                        then regexp_replace(substr(c.conname, length(rel_name) + 2), '_[^_]*$', '') end;
    if not ok and column_name is not null and not out ? public.api_name(column_name) then
      out := out || jsonb_build_object(public.api_name(column_name), coalesce(c.said, 'is not valid'));
    end if;
  end loop;
  for c in
    select a.attname from pg_catalog.pg_attribute a
     where a.attrelid = rel and a.attnum > 0 and not a.attisdropped and a.attnotnull
       and not a.atthasdef and a.attgenerated = ''
       and pg_catalog.has_column_privilege(rel, a.attname, 'INSERT')   -- a field the writer gives (not one a trigger keeps)
  loop
    if coalesce(candidate -> c.attname, 'null') = 'null' and not out ? public.api_name(c.attname) then
      out := out || jsonb_build_object(public.api_name(c.attname), 'is required');
    end if;
  end loop;
  return out;
end
$$;
grant execute on function public.api_row_problems(p_user text, p_collection text, p_id text, p_candidate jsonb) to partnerships_app;
