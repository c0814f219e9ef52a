// How a list is planned is measured per statement (fcgi/db.c): when
// PostgreSQL plans a statement for every run, the program times it that way
// and with a generic plan, then keeps the faster.  Here PostgreSQL is made to
// plan every run (the application role's plan_cache_mode, on connections
// made again), so that both ways are tried.  The answer is the same either
// way: the same list asked many times (through every worker, each learning
// on its own connection) answers the same bytes every time, and the
// statement log shows the generic plans, each inside the request's
// transaction.  Needs PG_CTL, PGDATA and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { admin, newMember, newPartner } from '../api/lib.mjs';

const psql = (sql) => execFileSync(join(dirname(process.env.PG_CTL), 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1',
  '-h', join(process.env.PGDATA, '..', 'run'), '-U', 'postgres', '-d', 'partnerships', '-c', sql]);
const log = join(process.env.PGDATA, '..', 'log', 'postgres.log');

test('a list planned either way answers the same, and both ways are tried', async () => {
  const root = await admin();
  const m = await newMember(root, 'plans');
  for (let i = 0; i < 3; i++) await newPartner(m, { company: `Plans ${i}` });
  const path = '/partners?sort=-company&fields=company,status&limit=2&offset=1';
  // The workers' connections, ended, are made again at their next request.
  const reconnect = async () => {
    psql("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'partnerships_app'");
    for (let i = 0; i < 50 && (await m.get(path)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  };
  const size = statSync(log).size;
  psql('alter role partnerships_app set plan_cache_mode = force_custom_plan');
  psql("alter system set log_statement = 'all'");
  psql('select pg_reload_conf()');
  const answers = new Set();
  try {
    await reconnect();
    for (let i = 0; i < 120; i++) {
      const r = await m.get(path);
      assert.equal(r.status, 200, r.text);
      answers.add(r.text);
    }
  } finally {
    psql('alter role partnerships_app reset plan_cache_mode');
    psql('alter system reset log_statement');
    psql('select pg_reload_conf()');
    await reconnect();
  }
  assert.equal(answers.size, 1, 'every answer is the same');
  assert.deepEqual(JSON.parse([...answers][0]).items.map((p) => p.company), ['Plans 1', 'Plans 0']);
  const tail = readFileSync(log).subarray(size).toString();
  assert.match(tail, /set local plan_cache_mode = force_generic_plan/, 'generic plans were tried');
  assert.doesNotMatch(tail.replace(/FATAL:  terminating connection due to administrator command/g, ''), /ERROR/,
    'and nothing failed');
});
