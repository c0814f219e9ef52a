-- The oplog feed never skips a row (sql/039): a row's number is drawn when
-- it is written and seen when its transaction commits, so a writer still
-- open under a number another writer already committed holds the feed's
-- horizon (oplog_horizon()) below both, until it commits or rolls back.
-- Two other sessions (dblink) are the writers; this one reads as the feed
-- does.
\set ON_ERROR_STOP 1
begin;
create extension if not exists dblink;
select plan(9);
select format('host=%s port=%s dbname=%s user=postgres', split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database()) as peer \gset
select dblink_connect('early', :'peer');
select dblink_connect('late', :'peer');

select is((select seqcache from pg_catalog.pg_sequence where seqrelid = 'public.oplog_seq_seq'::regclass), 1::bigint,
          'the oplog''s sequence keeps no numbers in a session''s cache (a writer''s bound is read from it)');
select is(public.oplog_horizon(), 9223372036854775807, 'with no writer open, the horizon is the largest number');

-- The earlier writer draws its number and stays open; the later one commits.
select dblink_exec('early', 'begin');
select dblink_exec('early', $$insert into public.users (id, email, name) values ('hz_early', 'early@hz.test', 'Early')$$);
select dblink_exec('late', $$insert into public.users (id, email, name) values ('hz_late', 'late@hz.test', 'Late')$$);
select ok((select seq from public.oplog where record_id = 'hz_late') < public.oplog_lock_key(0),
          'numbers stay under the lock key''s tag');
select ok(public.oplog_horizon() <= (select seq from public.oplog where record_id = 'hz_late'),
          'the open writer holds the horizon at or under the later writer''s committed row');
select is((select count(*)::int from public.oplog where record_id = 'hz_late' and seq < public.oplog_horizon()), 0,
          'so the feed does not pass it while the earlier one may still commit under it');
select dblink_exec('early', 'commit');
select is(public.oplog_horizon(), 9223372036854775807, 'committed, it holds nothing');
select results_eq($$select record_id from public.oplog where record_id in ('hz_early', 'hz_late')
                    and seq < public.oplog_horizon() order by seq$$,
                  array['hz_early', 'hz_late'], 'both rows are in the feed now, the earlier number first');

-- A writer that rolls back lets go too; one that writes several rows holds one lock.
select dblink_exec('early', 'begin');
select dblink_exec('early', $$update public.users set name = 'Early 2' where id = 'hz_early'$$);
select dblink_exec('early', $$update public.users set name = 'Early 3' where id = 'hz_early'$$);
select is((select count(*)::int from pg_catalog.pg_locks l
            where l.locktype = 'advisory' and l.objsubid = 1
              and ((l.classid::bigint << 32) | l.objid::bigint) >> 48 = public.oplog_lock_key(0) >> 48), 1,
          'a transaction of several oplog rows holds one lock');
select dblink_exec('early', 'rollback');
select is(public.oplog_horizon(), 9223372036854775807, 'rolled back, it holds nothing');

select dblink_exec('late', $$delete from public.oplog where record_id in ('hz_early', 'hz_late');
                             delete from public.users where id in ('hz_early', 'hz_late')$$);
select dblink_disconnect('early');
select dblink_disconnect('late');
select * from finish();
rollback;
