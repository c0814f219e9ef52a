-- One line per table of the schema: its name and a digest of all its rows.
select format('select %L || '' '' || count(*) || '' '' || md5(coalesce(string_agg(x::text, '','' order by x::text), '''')) from public.%I x',
              c.relname, c.relname)
  from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by c.relname
\gexec
