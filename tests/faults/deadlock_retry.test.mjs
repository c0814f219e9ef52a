// A deadlock is run again, not answered 409: deleting a partner (which
// takes its referrals along) while another transaction holds one of its
// referrals and then wants the partner.  PostgreSQL picks the delete as the
// victim and rolls it back; the program runs the whole transaction again
// and answers 204.  Both changes are kept, each in the oplog once.
// Needs PG_CTL, PGDATA (the stack's cluster) and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember, newPartner } from '../api/lib.mjs';

const psqlArgs = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', join(process.env.PGDATA || '', '..', 'run'), '-U', 'postgres', '-d', 'partnerships'];
const psql = () => join(dirname(process.env.PG_CTL), 'psql');

test('a deadlock victim is run again: 204, both changes kept, each logged once', async () => {
  const m = await newMember(await admin(), 'deadlock');
  const p = await newPartner(m);
  const r = await m.post('/referrals', { partnerId: p.id, direction: 'inbound', leadName: 'Held Lead' });
  assert.equal(r.status, 201, r.text);

  // The other transaction: the referral now; the partner once the delete
  // waits on that referral (so the delete has waited longest, and
  // PostgreSQL's deadlock check, which runs in the backend that has waited
  // deadlock_timeout, picks it as the victim), however slow the machine.
  const other = spawn(psql(), [...psqlArgs, '-c',
    `begin; update public.referrals set notes = 'held' where id = '${r.json.id}';
     do $$ begin
       for i in 1..200 loop
         perform pg_stat_clear_snapshot();   -- else the first look is kept for the transaction
         exit when exists (select 1 from pg_stat_activity
                            where wait_event_type = 'Lock' and pid <> pg_backend_pid() and query ilike '%deleted_at%');
         perform pg_sleep(0.05);
       end loop;
     end $$;
     update public.partners set notes = 'other' where id = '${p.id}'; select pg_sleep(1); commit;`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let otherErrors = '';
  other.stderr.on('data', (d) => { otherErrors += d; });
  const otherDone = new Promise((resolve) => other.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 400));
  const deleted = await m.del(`/partners/${p.id}`);
  assert.equal(await otherDone, 0, `the other transaction committed: ${otherErrors}`);
  assert.equal(deleted.status, 204, `the delete was run again after losing the deadlock: ${deleted.text}`);

  const row = execFileSync(psql(), [...psqlArgs, '-tA', '-c',
    `select notes, deleted_at is not null from public.partners where id = '${p.id}'`]).toString().trim();
  assert.equal(row, 'other|t', 'both changes are kept');
  const referral = execFileSync(psql(), [...psqlArgs, '-tA', '-c',
    `select notes, deleted_at is not null, deleted_with_partner from public.referrals where id = '${r.json.id}'`]).toString().trim();
  assert.equal(referral, 'held|t|t', 'the referral went with its partner, keeping the other change');
  const ops = execFileSync(psql(), [...psqlArgs, '-tA', '-c',
    `select string_agg(op, ',' order by seq) from public.oplog where record_id in ('${p.id}', '${r.json.id}')`]).toString().trim();
  assert.deepEqual(ops.split(',').sort(), ['delete', 'delete', 'insert', 'insert', 'update', 'update'], `each change once: ${ops}`);
  const log = execFileSync('grep', ['-c', 'deadlock detected', join(process.env.PGDATA, '..', 'log', 'postgres.log')]).toString().trim();
  assert.ok(Number(log) >= 1, 'PostgreSQL did detect a deadlock');
});
