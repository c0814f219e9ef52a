// PostgreSQL restarted under load, with a fast and then an immediate
// shutdown: while it is down requests get 503 (never a 500 or a hang), and
// afterwards every worker serves again without restarting the program.
// Restarted while the program is idle, not one request after fails: each
// worker finds its closed connection before using it.
// Needs PG_CTL and PGDATA (the test stack's cluster) and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { admin, newMember, newPartner, BASE } from '../api/lib.mjs';

// pg_ctl as the cluster's owner (root cannot run PostgreSQL).
function pgCtl(...args) {
  const cmd = [process.env.PG_CTL, '-D', process.env.PGDATA, '-w', '-t', '60', ...args];
  const asOwner = process.getuid() === 0
    ? ['setpriv', '--reuid=partnerships', '--regid=partnerships', '--init-groups', '--', ...cmd] : cmd;
  execFileSync(asOwner[0], asOwner.slice(1), { stdio: 'ignore' });
}

for (const mode of ['fast', 'immediate']) {
  test(`PostgreSQL restarted (${mode} shutdown) under load: 503 while down, then full service`, async (t) => {
    const root = await admin();
    const m = await newMember(root, `pg-${mode}`);
    const p = await newPartner(m);
    const statuses = new Map();
    let stop = false;
    const reader = async () => {
      while (!stop) {
        let status;
        try {
          status = (await m.get(`/partners/${p.id}`)).status;
        } catch {
          status = 0;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== 200) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = Array.from({ length: 6 }, reader);
    await new Promise((r) => setTimeout(r, 200));
    pgCtl('stop', '-m', mode);
    await new Promise((r) => setTimeout(r, 500));
    const down = await fetch(`${BASE}/health`);
    assert.equal(down.status, 503, 'health says the database is down');
    pgCtl('start', '-l', `${process.env.PGDATA}/../log/postgres.log`);
    const back = Date.now();
    while ((await fetch(`${BASE}/health`)).status !== 200) {
      assert.ok(Date.now() - back < 10000, 'service back within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(load);
    t.diagnostic(`measured: ${mode}: ${[...statuses].map(([s, n]) => `${n} x ${s}`).join(', ')}`);
    for (const s of statuses.keys()) assert.ok([200, 503].includes(s), `only 200 and 503, not ${s}`);
    assert.ok(statuses.get(503) > 0, 'the outage was seen');
    // Every worker reconnects by itself: enough sequential requests reach all of them.
    for (let i = 0; i < 40; i++) assert.equal((await m.get(`/partners/${p.id}`)).status, 200, `request ${i} after`);
    assert.equal((await m.patch(`/partners/${p.id}`, { notes: mode })).status, 200, 'writes work again');
  });
}

test('PostgreSQL restarted while the program is idle: every request after it is served', async (t) => {
  const root = await admin();
  const m = await newMember(root, 'pg-idle');
  const p = await newPartner(m);
  const burst = async () => {
    const answers = await Promise.all(Array.from({ length: 24 }, () => m.get(`/partners/${p.id}`)));
    return answers.map((r) => r.status);
  };
  // Every worker holds a connection (a burst reaches them all) …
  assert.deepEqual([...new Set(await burst())], [200]);
  pgCtl('stop', '-m', 'fast');
  pgCtl('start', '-l', `${process.env.PGDATA}/../log/postgres.log`);
  // … which the restart closed; the next requests, reads and writes, are served.
  const statuses = await burst();
  t.diagnostic(`measured: ${statuses.filter((s) => s !== 200).length} of ${statuses.length} failed after the restart`);
  assert.deepEqual([...new Set(statuses)], [200], 'no request after the restart fails');
  assert.equal((await m.patch(`/partners/${p.id}`, { notes: 'after' })).status, 200);
});
