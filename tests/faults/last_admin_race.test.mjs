// The last admin stays, however the demotions meet: with exactly two admins
// left, each demoting the other at the same moment is one 200 and one
// refusal, round after round, never two 200s (no admin at all).  Only two admins may
// exist for that, so the others (the stack's own among them) are members for
// the few seconds of the test, set straight in PostgreSQL and put back after:
// a fault test, run alone.  Needs PG_CTL, PGDATA (the stack's cluster) and
// API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember } from '../api/lib.mjs';

function sql(query) {
  return execFileSync(join(dirname(process.env.PG_CTL), 'psql'), ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1',
    '-h', join(process.env.PGDATA, '..', 'run'), '-U', 'postgres', '-d', 'partnerships', '-c', query]).toString().trim();
}

test('two admins demoting each other at once: one of them stays admin, every round', async (t) => {
  const root = await admin();
  const x = await newMember(root, 'admin-x', 'admin');
  const y = await newMember(root, 'admin-y', 'admin');
  const pair = `'${x.user.id}', '${y.user.id}'`;
  const others = sql(`select coalesce(string_agg(quote_literal(id), ','), '') from public.users
                       where role = 'admin' and not disabled and id not in (${pair})`);
  assert.ok(others.length > 0, 'the stack\'s admin is there');
  const outcomes = {};
  try {
    sql(`update public.users set role = 'member' where id in (${others})`);
    const deadline = Date.now() + 3000;
    for (let round = 0; round < 5 || (round < 100 && Date.now() < deadline); round++) {
      // Three of each in flight: some pair of them meets in the database.
      const answers = await Promise.all([x, y, x, y, x, y].map((c, i) =>
        c.patch(`/users/${(i % 2 === 0 ? y : x).user.id}`, { role: 'member' })));
      const ok = answers.filter((r) => r.status === 200);
      const demoted = new Set(ok.map((r) => r.json.id));
      const key = `${demoted.size} demoted`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      // The admins left, counted before both are admins again (one statement).
      const left = sql(`with n as (select count(*) from public.users where role = 'admin' and not disabled),
                             again as (update public.users set role = 'admin' where id in (${pair}) and role <> 'admin' returning 1)
                        select * from n`);
      assert.equal(left, '1', `round ${round}: one admin left (${ok.length} answered 200, ${key})`);
      for (const r of answers) assert.ok([200, 403, 404, 409].includes(r.status), `round ${round}: ${r.status} ${r.text}`);
    }
  } finally {
    sql(`update public.users set role = 'admin' where id in (${pair})`);
    sql(`update public.users set role = 'admin' where id in (${others})`);
  }
  t.diagnostic(`measured: answers per round ${JSON.stringify(outcomes)}`);
  assert.equal((await root.get('/me')).json.user.role, 'admin', 'the stack\'s admin is back');
});
