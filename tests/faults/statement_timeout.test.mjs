// A statement that runs too long (here: a PATCH waiting on a row another
// session holds locked) is cancelled after PARTNERSHIPS_STATEMENT_TIMEOUT_
// SECONDS and answered 503 with a clear message; it changes nothing, the
// other workers keep serving meanwhile, and the same PATCH succeeds once the
// lock is gone.  Needs PG_CTL, PGDATA (the test stack's cluster), API_BASE
// and PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS (the stack's setting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember, newPartner, BASE } from '../api/lib.mjs';

const timeout = Number(process.env.PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS);

test('a statement over the time limit: 503, nothing changed, others served, then fine again', async () => {
  assert.ok(timeout > 0 && timeout <= 10, 'the stack runs with a short statement timeout');
  const root = await admin();
  const m = await newMember(root, 'timeout');
  const p = await newPartner(m);

  // Another session holds the partner's row for longer than the limit.
  const psql = join(dirname(process.env.PG_CTL), 'psql');
  const holder = spawn(psql, ['-X', '-q', '-h', join(process.env.PGDATA, '..', 'run'), '-U', 'postgres',
    '-d', 'partnerships', '-c',
    `begin; select 1 from public.partners where id = '${p.id}' for update; select pg_sleep(${timeout + 4}); commit;`],
  { stdio: 'ignore' });
  const ended = new Promise((resolve) => holder.on('exit', resolve));
  await new Promise((r) => setTimeout(r, 700));

  const started = Date.now();
  const patching = m.patch(`/partners/${p.id}`, { notes: 'waited' }, { headers: { 'If-Match': `"${p.version}"` } });
  // Meanwhile the other workers answer at once.
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  assert.equal((await m.get(`/partners/${p.id}`)).status, 200, 'reads are not blocked by the row lock');
  assert.ok(Date.now() - t0 < 2000, 'and are quick');
  const r = await patching;
  const waited = (Date.now() - started) / 1000;
  assert.equal(r.status, 503, r.text);
  assert.match(r.json.error.message, /took too long/);
  assert.ok(!/statement|cancel|SQL|ERROR/.test(r.text), `no internals: ${r.text}`);
  assert.ok(waited >= timeout - 0.5 && waited < timeout + 3, `cancelled after the limit (${waited} s)`);

  await ended;
  const unchanged = await m.get(`/partners/${p.id}`);
  assert.equal(unchanged.json.version, p.version, 'the cancelled PATCH changed nothing');
  assert.equal(unchanged.json.notes ?? null, p.notes ?? null);
  const again = await m.patch(`/partners/${p.id}`, { notes: 'waited' }, { headers: { 'If-Match': `"${p.version}"` } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.version, p.version + 1);
  const history = await m.get(`/partners/${p.id}/history`);
  assert.equal(history.json.items.length, 2, 'the oplog has the create and the one update');
  assert.equal((await fetch(`${BASE}/health`)).status, 200);
});
