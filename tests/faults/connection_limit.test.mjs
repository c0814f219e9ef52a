// The database refuses new connections (its connection limit for the
// program's role is reached) while every worker needs a new one: each
// request is answered 503 with a clear message, the master keeps running,
// and once connections are allowed again service comes back by itself, at
// the next request, without a restart.  Needs MASTER_PID, PG_CTL, PGDATA.
import { test } from 'node:test';
import { workersOf } from './workers.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember, BASE } from '../api/lib.mjs';

const master = Number(process.env.MASTER_PID);
const workers = () => workersOf(master);
const sql = (query) => execFileSync(join(dirname(process.env.PG_CTL), 'psql'), ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1',
  '-h', join(process.env.PGDATA, '..', 'run'), '-U', 'postgres', '-d', 'partnerships', '-c', query]).toString().trim();
// The role the workers are connected as.
const role = () => sql("select distinct usename from pg_stat_activity where backend_type = 'client backend' and usename <> 'postgres'");

test('connection limit reached: 503 with a clear message, the program keeps running, then recovers alone', async (t) => {
  assert.ok(master > 0, 'MASTER_PID is set');
  const m = await newMember(await admin(), 'connlimit');
  const app = role();
  const before = workers();
  sql(`alter role ${app} connection limit 0`);
  try {
    // Every worker is replaced: each new one has to connect, and cannot.
    for (const pid of before) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && workers().filter((p) => !before.includes(p)).length < before.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const r = await m.get('/partners');
      statuses.push(r.status);
      if (r.status === 503) {
        assert.equal(r.json.error.message, 'the database is unavailable; try again');
        assert.ok(!/FATAL|too many|role|connection limit|postgres/i.test(r.text), `no internals: ${r.text}`);
      }
    }
    t.diagnostic(`measured: ${statuses.length} requests while refused: ${statuses.join(' ')}`);
    assert.ok(statuses.every((s) => s === 503), 'every request is refused clearly (none hangs, none is a 502)');
    const health = await fetch(`${BASE}/health`);
    assert.equal(health.status, 503);
    assert.equal((await health.json()).database, 'unreachable');
    process.kill(master, 0); // throws if the master died
    assert.equal(workers().length, before.length, 'the workers keep running');
  } finally {
    sql(`alter role ${app} connection limit -1`);
  }
  // Allowed again: the very next requests are served, by the same workers.
  const running = workers();
  for (let i = 0; i < 12; i++) assert.equal((await m.get('/partners')).status, 200, 'served again');
  assert.equal((await fetch(`${BASE}/health`)).status, 200);
  assert.deepEqual(workers(), running, 'without restarting anything');
});
