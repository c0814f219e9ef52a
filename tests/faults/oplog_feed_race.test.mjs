// A reader paging the oplog feed never passes a row still to come (sql/039).
// A row's number is drawn when it is written and seen when its transaction
// commits: here a transaction writes a partner's row and stays open while
// a request writes a later row and commits.  The feed must not hand out the
// later row (nor a "next" past the open one) until the open transaction
// ends; then both come, in order.  Before the horizon the reader got the
// later row at once, its next passed the open row, and that row, committed
// a moment later, was in no page.  Needs PG_CTL, PGDATA and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember, newPartner, unique } from '../api/lib.mjs';

const psqlArgs = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', join(process.env.PGDATA || '', '..', 'run'), '-U', 'postgres', '-d', 'partnerships'];
const psql = () => join(dirname(process.env.PG_CTL), 'psql');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('the oplog feed waits for a transaction still open under a committed row, then gives both in order', async () => {
  const m = await newMember(await admin(), 'feed-horizon');
  const held = await newPartner(m, { company: unique('Held open') });
  const later = await newPartner(m, { company: unique('Committed later') });
  const start = (await m.get(`/partners/${later.id}/history`)).json.items[0].seq;
  const feed = async (since) => {
    const r = await m.get(`/oplog?since=${since}&limit=1000`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  const open = spawn(psql(), [...psqlArgs, '-c',
    `begin; update public.partners set notes = 'held open' where id = '${held.id}'; select pg_sleep(3); commit;`],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let openErrors = '';
  open.stderr.on('data', (d) => { openErrors += d; });
  const openDone = new Promise((resolve) => open.on('exit', resolve));
  // Its row is written once it sleeps.
  let sleeping = false;
  for (let i = 0; i < 100 && !sleeping; i++) {
    sleeping = execFileSync(psql(), [...psqlArgs, '-tA', '-c',
      "select count(*) from pg_stat_activity where wait_event = 'PgSleep' and query like '%held open%'"]).toString().trim() === '1';
    if (!sleeping) await sleep(50);
  }
  assert.ok(sleeping, `the transaction held open wrote its row and waits: ${openErrors}`);
  const r = await m.post('/referrals', { partnerId: later.id, direction: 'inbound', leadName: 'Committed first' });
  assert.equal(r.status, 201, r.text);

  const during = await feed(start);
  assert.deepEqual(during.items.filter((row) => row.recordId === r.json.id), [],
    'the committed row waits while a transaction under it is open');
  assert.equal(await openDone, 0, `the open transaction committed: ${openErrors}`);
  const after = await feed(during.next);
  const rows = after.items.filter((row) => row.partnerId === held.id || row.recordId === r.json.id);
  assert.deepEqual(rows.map((row) => [row.recordId, row.op]), [[held.id, 'update'], [r.json.id, 'insert']],
    'then both come, the open one\'s first');
});
