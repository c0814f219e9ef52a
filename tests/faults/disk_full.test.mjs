// The disk under the partners' referrals fills up (a 4 MiB filesystem
// mounted as a tablespace, filled by another table): a new referral is
// answered 503 "the database's disk is full" and changes nothing (no row,
// no oplog row, the partner's figures as before), reads keep working, and
// once space is freed the same write succeeds without a restart.  Mounting
// needs root (and a machine that allows it); otherwise the test says so
// and is skipped.
// Needs PG_CTL, PGDATA (the stack's cluster) and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, chownSync, statSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { admin, newMember, newPartner, unique, BASE } from '../api/lib.mjs';

const sql = (query) => execFileSync(join(dirname(process.env.PG_CTL), 'psql'), ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1',
  '-h', join(process.env.PGDATA, '..', 'run'), '-U', 'postgres', '-d', 'partnerships', '-c', query],
{ stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();

test('disk full: 503 with a clear message, nothing changed, reads served, then writes again', {
  skip: process.getuid() !== 0 && 'mounting a small filesystem needs root',
}, async (t) => {
  const m = await newMember(await admin(), 'diskfull');
  const p = await newPartner(m);
  const disk = join(process.env.PGDATA, '..', 'small-disk');
  mkdirSync(disk, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (e) {
    rmdirSync(disk);
    t.skip(`this machine does not let root mount a filesystem: ${e.stderr}`);
    return;
  }
  const { uid, gid } = statSync(process.env.PGDATA);
  chownSync(disk, uid, gid);
  let moved = false;
  try {
    sql(`create tablespace small_disk location '${disk}'`);
    sql('alter table public.referrals set tablespace small_disk');
    moved = true;
    // Packed: the space earlier tests freed in its pages (deleted and
    // updated referrals) would take new rows without the table growing.
    sql('vacuum full public.referrals');
    sql('create table public.disk_filler (x text) tablespace small_disk');
    // Fill it: 400 kB a statement, each committed, until refused (rows of
    // random text under the size PostgreSQL would compress); then what is
    // left, 20 kB and 2 kB at a time, so that no more than a page is free.
    let full = false;
    for (const rows of [200, 10, 1]) {
      full = false;
      for (let i = 0; i < 200 && !full; i++) {
        try {
          sql(`insert into public.disk_filler select (select string_agg(md5(random()::text || g || n), '') from generate_series(1, 60) n)
                 from generate_series(1, ${rows}) g`);
        } catch (e) {
          full = /No space left on device|could not extend/.test(e.stderr?.toString());
          assert.ok(full, `filling stopped only for lack of space: ${e.stderr}`);
        }
      }
    }
    assert.ok(full, 'the disk filled up');

    // The referrals table's last page may still take a few rows; then it
    // must grow, and cannot.
    const body = (leadName) => ({ partnerId: p.id, direction: 'inbound', status: 'converted', dealValue: 100, leadName });
    let refused = null;
    let written = 0;
    for (let i = 0; i < 400 && !refused; i++) {
      const r = await m.post('/referrals', body(unique('disk')));
      if (r.status === 201) written++;
      else refused = r;
    }
    t.diagnostic(`measured: ${written} referrals fitted in the last page, then ${refused?.status}`);
    assert.ok(refused, 'a write that needs space is refused');
    assert.equal(refused.status, 503, refused.text);
    assert.match(refused.json.error.message, /disk is full; nothing was saved/);
    assert.ok(!/No space|extend|file|base\/|pg_tblspc|\//.test(refused.json.error.message), `no internals: ${refused.text}`);

    const figures = (await m.get(`/partners/${p.id}`)).json;
    assert.equal(figures.referralsMade, written, 'the refused referral is not counted');
    assert.equal(Number(sql(`select count(*) from public.referrals where partner_id = '${p.id}'`)), written, 'nor stored');
    assert.equal(Number(sql(`select count(*) from public.oplog where entity = 'referrals' and partner_id = '${p.id}'`)), written,
      'nor in the oplog');
    assert.equal((await m.get('/partners')).status, 200, 'reads are served meanwhile');
    assert.equal((await fetch(`${BASE}/health`)).status, 200);

    sql('drop table public.disk_filler');
    const again = await m.post('/referrals', body(unique('disk')));
    assert.equal(again.status, 201, `space freed: written again without a restart (${again.text})`);
    assert.equal((await m.get(`/partners/${p.id}`)).json.referralsMade, written + 1);
  } finally {
    sql('drop table if exists public.disk_filler');
    if (moved) sql('alter table public.referrals set tablespace pg_default');
    sql('drop tablespace if exists small_disk');
    execFileSync('umount', [disk]);
    rmdirSync(disk);
  }
});
