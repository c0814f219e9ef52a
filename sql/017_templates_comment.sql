-- 017: the templates table's comment names the playbook by its place in
-- this repository.
--
-- 003 stored a comment citing a file that is not in the repository. 003
-- now stores this text for a new database; this migration gives a
-- database migrated before the same, so that both read alike.

comment on table public.templates is
  'The built-in templates of the playbook (tests/api/fixtures/partnerships.txt), word for word; read-only to the application.';
