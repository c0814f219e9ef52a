// nginx reloaded (SIGHUP) three times under load: no request is lost.
//
// On reload, nginx's old workers finish the requests they have and close
// idle kept-alive client connections; a request a client writes into such a
// connection at that very moment meets a closed socket before nginx read it.
// Browsers resend a request that fails that way on a reused connection
// (nothing of it reached the server); this client does the same, and counts
// it.  Every idle connection of its pool may have been closed, so a resend
// can meet another closed one: it tries until one is open, at most 10 times.
// Writes carry If-Match, so a resend can never apply twice.
// Needs NGINX_PID_FILE (the test stack's nginx) and API_BASE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { admin, newMember, newPartner } from '../api/lib.mjs';

test('nginx reloaded three times under load: every request answered', async (t) => {
  const nginx = Number(readFileSync(process.env.NGINX_PID_FILE, 'utf8'));
  const root = await admin();
  const m = await newMember(root, 'reload');
  const statuses = new Map();
  let resent = 0;
  let writes = 0;
  let stop = false;
  const send = async (fn) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        return (await fn()).status;
      } catch {
        resent++;
      }
    }
    return 0;
  };
  const client = async () => {
    const p = await newPartner(m);
    let version = 1;
    for (let n = 0; !stop; n++) {
      let status;
      if (n % 4 === 0) {
        const headers = { 'if-match': `"${version}"` };
        status = await send(() => m.patch(`/partners/${p.id}`, { notes: `write ${n}` }, { headers }));
        if (status === 200) {
          version++;
          writes++;
        }
      } else {
        status = await send(() => m.get(`/partners/${p.id}`));
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    return { id: p.id, version };
  };
  const load = Array.from({ length: 8 }, client);
  for (let k = 0; k < 3; k++) {
    await new Promise((r) => setTimeout(r, 300));
    process.kill(nginx, 'SIGHUP');
  }
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  const partners = await Promise.all(load);
  t.diagnostic(`measured: reload: ${[...statuses].map(([s, n]) => `${n} x ${s}`).join(', ')}; ${resent} resent; ${writes} writes`);
  assert.deepEqual([...statuses.keys()], [200], 'every request answered 200 (412 would be a write applied twice)');
  for (const { id, version } of partners) {
    assert.equal((await m.get(`/partners/${id}`)).json.version, version, 'each write applied exactly once');
  }
});
