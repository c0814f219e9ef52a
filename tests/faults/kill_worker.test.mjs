// A worker killed with SIGKILL in the middle of requests: the master starts
// another, only requests in flight fail, and no write is half done: every
// partner whose create was answered 201 exists exactly once with its oplog
// row, and no create that failed left anything behind.
// Needs MASTER_PID (the `serve` master of the test stack) and API_BASE.
import { test } from 'node:test';
import { workersOf } from './workers.mjs';
import assert from 'node:assert/strict';
import { admin, newMember, partnerBody, unique } from '../api/lib.mjs';

const master = Number(process.env.MASTER_PID);
const workers = () => workersOf(master);

test('kill -9 of workers under write load: only requests in flight fail; nothing half written', async (t) => {
  assert.ok(master > 0, 'MASTER_PID is set');
  const root = await admin();
  const m = await newMember(root, 'faults');
  const tag = unique('kill');
  const results = [];
  let stop = false;
  const writer = async (w) => {
    for (let i = 0; !stop; i++) {
      const company = `${tag}-${w}-${i}`;
      try {
        const r = await m.post('/partners', partnerBody({ company }));
        results.push({ company, status: r.status, id: r.json?.id });
      } catch {
        results.push({ company, status: 0 });
      }
    }
  };
  const load = Array.from({ length: 8 }, (_, w) => writer(w));
  const killed = [];
  for (let k = 0; k < 3; k++) {
    await new Promise((r) => setTimeout(r, 300));
    const victim = workers()[0];
    process.kill(victim, 'SIGKILL');
    killed.push(victim);
  }
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await Promise.all(load);

  const ok = results.filter((r) => r.status === 201);
  const failed = results.filter((r) => r.status !== 201);
  t.diagnostic(`measured: ${results.length} creates, ${killed.length} workers killed, ${failed.length} failed (${failed.map((f) => f.status)})`);
  assert.ok(ok.length > 50, `${ok.length} creates succeeded`);
  assert.ok(failed.length <= killed.length * 2, `only requests in flight failed: ${failed.map((f) => f.status)}`);
  for (const f of failed) assert.ok([0, 502, 503].includes(f.status), `a failed request is 502/503: ${f.status}`);

  const listed = new Map();
  for (let offset = 0; ; offset += 500) {
    const page = (await m.get(`/partners?q=${tag}&limit=500&offset=${offset}`)).json;
    for (const p of page.items) listed.set(p.company, (listed.get(p.company) ?? 0) + 1);
    if (page.items.length < 500) break;
  }
  for (const r of ok) assert.equal(listed.get(r.company), 1, `${r.company} was answered 201 and exists once`);
  // A create that failed may have committed just before its worker died; it
  // is then whole (one row, one oplog insert), never half.
  for (const r of failed) assert.ok((listed.get(r.company) ?? 0) <= 1);
  assert.equal(listed.size, ok.length + failed.filter((r) => listed.has(r.company)).length);
  const sample = ok[ok.length - 1];
  const history = (await m.get(`/partners/${sample.id}/history`)).json.items;
  assert.deepEqual(history.map((h) => h.op), ['insert'], 'its oplog row is there');

  const now = workers();
  for (const pid of killed) assert.ok(!now.includes(pid), 'the killed worker is gone');
  assert.ok(now.length >= 4, `the master started others (${now.length} workers)`);
  for (let i = 0; i < 20; i++) assert.equal((await m.get('/me')).status, 200, 'full service after');
});
