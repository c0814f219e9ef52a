// How a list is planned is measured per statement (fcgi/db.c): after a few
// runs the program times it as PostgreSQL plans it and with a generic plan,
// then keeps the faster.  The answer is the same either way: the same list
// asked many times (through every worker, each learning on its own
// connection) answers the same bytes every time, and the statement log
// shows the generic plans were tried, each inside the request's
// transaction and undone after it.  Needs PG_CTL, PGDATA and API_BASE.
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
  const size = statSync(log).size;
  psql("alter system set log_statement = 'all'");
  psql('select pg_reload_conf()');
  const answers = new Set();
  try {
    for (let i = 0; i < 120; i++) {
      const r = await m.get(path);
      assert.equal(r.status, 200, r.text);
      answers.add(r.text);
    }
  } finally {
    psql('alter system reset log_statement');
    psql('select pg_reload_conf()');
  }
  assert.equal(answers.size, 1, 'every answer is the same');
  assert.deepEqual(JSON.parse([...answers][0]).items.map((p) => p.company), ['Plans 1', 'Plans 0']);
  const tail = readFileSync(log).subarray(size).toString();
  assert.match(tail, /set local plan_cache_mode = force_generic_plan/, 'generic plans were tried');
  assert.doesNotMatch(tail, /ERROR/, 'and nothing failed');
});
