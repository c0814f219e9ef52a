// Nothing lost: concurrent writers on shared partners for SOAK_SECONDS
// (creates, If-Match patches, deletes, restores, referrals, campaigns and
// shared customers with the partner figures they keep, integrations; an
// admin moving partners between two members while both write; two admins
// demoting each other), with a worker killed every few seconds when
// MASTER_PID is given.
// Afterwards, read straight from PostgreSQL and from the oplog feed:
//   - every 2xx write is in the database and in the oplog exactly once;
//   - every 412 (and every other refusal) changed nothing: its unique value
//     is nowhere, in the rows or the oplog;
//   - a write whose answer was lost (worker killed) is whole or absent;
//   - the derived partner figures, and the totals per owner and status,
//     equal a recount from the rows;
//   - every record attached to a partner is live exactly when its partner
//     is, and belongs to (is visible to) its partner's owner;
//   - an admin is left;
//   - replaying the oplog's new values from an empty state reproduces every
//     touched row, field for field (what the oplog leaves out by design,
//     derived figures and bookkeeping, is read from the triggers themselves).
// Needs API_BASE, PG_CTL and PGDATA (the stack's cluster), and optionally
// MASTER_PID and SOAK_SECONDS (default 10; `make soak` runs it longer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { admin, newMember, signIn, partnerBody, unique, MEMBER_PASSWORD } from '../api/lib.mjs';

const seconds = Number(process.env.SOAK_SECONDS ?? 10);
const master = Number(process.env.MASTER_PID ?? 0);
const killEveryMs = Number(process.env.SOAK_KILL_EVERY_MS ?? 3000);

function sql(query) {
  const psql = join(dirname(process.env.PG_CTL), 'psql');
  // On stdin: a long soak's id lists outgrow a command-line argument.
  return execFileSync(psql, ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', join(process.env.PGDATA, '..', 'run'),
    '-U', 'postgres', '-d', 'partnerships', '-f', '-'],
  { input: `set time zone 'UTC';\n${query};\n`, maxBuffer: 1 << 28 }).toString().trim();
}

// The columns a table's oplog trigger leaves out, as the trigger was created
// (oplog_write(entity, partner column, ignored...) plus what it always skips).
function unlogged(table) {
  const args = JSON.parse(sql(`select to_json(string_to_array(rtrim(encode(tgargs, 'escape'), '\\000'), '\\000'))
                                 from pg_trigger where tgname = '${table}_oplog'`));
  return ['created_at', 'updated_at', 'version', ...args.slice(2)];
}

// The rows of TABLE with these ids, as {id: {apiName: value}} without the
// unlogged columns.
function rows(table, ids) {
  if (ids.length === 0) return {};
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]+$/);
  const skip = unlogged(table).map((c) => `'${c}'`).join(',');
  const out = sql(`select coalesce(json_object_agg(t.id, (select jsonb_object_agg(public.api_name(e.key), e.value)
                                                        from jsonb_each(to_jsonb(t) - array[${skip}]) e)), '{}')
                     from public.${table} t where t.id in (${ids.map((id) => `'${id}'`).join(',')})`);
  return JSON.parse(out);
}

test(`soak: ${seconds} s of concurrent writes on shared partners; nothing lost, nothing extra`, async (t) => {
  const root = await admin();
  const owner = await newMember(root, 'soak');
  // The member partners are moved to and from (writing as well), and two
  // admins who demote each other (root promotes them again).
  const other = await newMember(root, 'soakother');
  const demoters = await Promise.all(['soakadminx', 'soakadminy'].map((name) => newMember(root, name, 'admin')));
  const sessions = [owner, ...await Promise.all([1, 2, 3].map(() => signIn(owner.email, MEMBER_PASSWORD))), other, root, await admin()];
  const startSeq = Number(sql('select coalesce(max(seq), 0) from public.oplog'));

  // What the writers know, possibly stale: that is what makes 412s.
  const partners = new Map(); // id -> last version seen
  const referrals = new Map();
  // Ids to pick from at random, kept beside the maps (a long soak makes tens
  // of thousands).
  const ids = { partners: [], referrals: [] };
  const learn = (entity, record) => {
    const map = entity === 'partners' ? partners : referrals;
    if (!map.has(record.id)) ids[entity].push(record.id);
    map.set(record.id, record.version);
  };
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  for (let i = 0; i < 8; i++) {
    const r = await owner.post('/partners', partnerBody({ company: unique('Soak') }));
    assert.equal(r.status, 201, r.text);
    learn('partners', r.json);
  }
  const shared = [...ids.partners];
  const trashed = [];

  // Every write: what was asked, the answer, and the unique value it carries.
  const log = [];
  // No answer, or nginx's 502/504 for a killed worker, leaves a write's fate
  // unknown; the program's own refusals (4xx, 503) are rolled back.
  const outcome = (status) => (status >= 200 && status < 300 ? 'ok' : [0, 502, 504].includes(status) ? 'unknown' : 'refused');
  const send = async (entry, promise) => {
    let r;
    try {
      r = await promise;
    } catch {
      r = { status: 0, json: null };
    }
    entry.status = r.status;
    entry.outcome = outcome(r.status);
    // Only what the checks need: the record's id and version, or the error.
    entry.body = r.json?.id ? { id: r.json.id, version: r.json.version } : r.json?.error ? { error: r.json.error.code } : null;
    // A 412 answers with the current record: the writer learns its version.
    const record = r.status === 412 ? r.json?.error?.current : r.json;
    if (record?.id && record.version && ['partners', 'referrals'].includes(entry.entity)) learn(entry.entity, record);
    log.push(entry);
    return r;
  };

  // A review date a few days either side of today, or none: the reviews
  // due per owner and date (sql/010) follow every kind of write.
  const reviewDate = () => (Math.random() < 0.2 ? null
    : new Date(Date.now() + Math.floor(Math.random() * 11 - 5) * 86400000).toISOString().slice(0, 10));
  const ops = [
    [30, async (c, token) => { // an If-Match patch, mostly of the eight every writer shares
      const id = pick(Math.random() < 0.8 ? shared : ids.partners);
      const status = ['prospect', 'negotiating', 'onboarding', 'active', 'expanding'][Math.floor(Math.random() * 5)];
      await send({ op: 'patch', entity: 'partners', id, token },
        c.patch(`/partners/${id}`, { notes: token, status, nextReview: reviewDate() }, { headers: { 'If-Match': `"${partners.get(id)}"` } }));
    }],
    [20, async (c, token) => { // a referral, with its counter upkeep on the partner
      const partnerId = pick(ids.partners);
      const direction = Math.random() < 0.5 ? 'inbound' : 'outbound';
      const status = Math.random() < 0.3 ? 'converted' : 'introduced';
      const entry = { op: 'create', entity: 'referrals', token };
      const r = await send(entry,
        c.post('/referrals', { partnerId, direction, status, leadName: token, dealValue: Math.floor(Math.random() * 1000) }));
      if (r.status === 201) entry.id = r.json.id;
    }],
    [15, async (c, token) => { // a referral moves on (the partner's revenue follows)
      if (ids.referrals.length === 0) return;
      const id = pick(ids.referrals);
      await send({ op: 'patch', entity: 'referrals', id, token },
        c.patch(`/referrals/${id}`, { notes: token, status: Math.random() < 0.5 ? 'converted' : 'qualified', dealValue: Math.floor(Math.random() * 5000) },
          { headers: { 'If-Match': `"${referrals.get(id)}"` } }));
    }],
    [6, async (c, token) => { // a campaign: the partner's campaign figures follow
      const entry = { op: 'create', entity: 'campaigns', token };
      const budget = Math.random() < 0.5 ? null : Math.floor(Math.random() * 1000);
      const r = await send(entry, c.post('/campaigns',
        { partnerId: pick(ids.partners), name: token, type: 'webinar', budget, revenue: Math.floor(Math.random() * 3000) }));
      if (r.status === 201) entry.id = r.json.id;
    }],
    [10, async (c, token) => {
      const entry = { op: 'create', entity: 'partners', token };
      const r = await send(entry, c.post('/partners', partnerBody({ company: token, nextReview: reviewDate() })));
      if (r.status === 201) entry.id = r.json.id;
    }],
    [4, async (c, token) => { // a shared customer: the partner's count and revenue follow
      const entry = { op: 'create', entity: 'shared-customers', token };
      const r = await send(entry, c.post('/shared-customers',
        { partnerId: pick(ids.partners), customer: unique('Customer'), notes: token, jointRevenue: Math.floor(Math.random() * 500) }));
      if (r.status === 201) entry.id = r.json.id;
    }],
    [3, async (c, token) => { // an integration: follows its partner, feeds nothing
      const entry = { op: 'create', entity: 'integrations', token };
      const r = await send(entry, c.post('/integrations', { partnerId: pick(ids.partners), name: token }));
      if (r.status === 201) entry.id = r.json.id;
    }],
    [5, async (c, token) => { // an admin moves a partner to the other member or back, while both write to it
      const id = pick(Math.random() < 0.8 ? shared : ids.partners);
      const to = Math.random() < 0.5 ? other : owner;
      await send({ op: 'patch', entity: 'partners', id, token, move: true },
        root.patch(`/partners/${id}`, { ownerUserId: to.user.id, notes: token }));
    }],
    [1, async () => { // two admins demote each other at once; root makes them admins again
      const [x, y] = demoters;
      await Promise.all([[x, y], [y, x]].map(([by, whom]) =>
        send({ op: 'demote', entity: 'users', id: whom.user.id }, by.patch(`/users/${whom.user.id}`, { role: 'member' }))));
      await Promise.all(demoters.map((d) =>
        send({ op: 'promote', entity: 'users', id: d.user.id }, root.patch(`/users/${d.user.id}`, { role: 'admin' }))));
    }],
    [5, async (c) => { // deleting a partner takes its live referrals along
      const id = pick(ids.partners);
      const r = await send({ op: 'delete', entity: 'partners', id }, c.del(`/partners/${id}`));
      if (r.status === 204) trashed.push(id);
    }],
    [5, async (c) => { // ... and restoring it brings them back
      const id = pick(trashed.length > 0 ? trashed : ids.partners);
      const r = await send({ op: 'restore', entity: 'partners', id }, c.post(`/partners/${id}/restore`));
      if (r.status === 200 && trashed.includes(id)) trashed.splice(trashed.indexOf(id), 1);
    }],
  ];
  const weight = ops.reduce((s, [w]) => s + w, 0);
  let stop = false;
  const writer = async (c, w) => {
    for (let i = 0; !stop; i++) {
      let x = Math.random() * weight;
      const [, op] = ops.find(([wt]) => (x -= wt) < 0);
      await op(c, `soak-${w}-${i}-${unique('t').slice(2)}`);
    }
  };
  const load = sessions.map((c, w) => writer(c, w));
  const killed = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(killEveryMs, Math.max(0, deadline - Date.now()))));
    if (master > 0 && Date.now() < deadline) {
      const victim = Number(execFileSync('pgrep', ['-P', String(master)]).toString().trim().split('\n')[0]);
      process.kill(victim, 'SIGKILL');
      killed.push(victim);
    }
  }
  stop = true;
  await Promise.all(load);

  // ---- the oplog of everything since the start -------------------------
  const feed = [];
  for (let since = startSeq; ;) {
    const page = await root.get(`/oplog?since=${since}&limit=1000`);
    assert.equal(page.status, 200, page.text);
    feed.push(...page.json.items);
    if (page.json.items.length < 1000) break;
    since = page.json.next;
  }
  const byStatus = {};
  for (const e of log) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  t.diagnostic(`measured: ${log.length} writes in ${seconds} s (${JSON.stringify(byStatus)}), ${killed.length} workers killed, ${feed.length} oplog rows checked`);
  assert.ok(log.filter((e) => e.outcome === 'ok').length > seconds * 20, 'the writers got work done');
  assert.ok(log.some((e) => e.status === 412), 'concurrent edits met stale versions (412)');
  for (const e of log) assert.ok([200, 201, 204, 404, 409, 412, 422, 0, 502, 504].includes(e.status) || (e.status === 503 && master > 0)
    // A demotion by an admin whom the other demoted a moment before.
    || (e.status === 403 && e.entity === 'users'),
    `an expected answer: ${e.op} ${e.entity} ${e.status} ${JSON.stringify(e.body)}`);
  assert.ok(log.some((e) => e.move && e.outcome === 'ok'), 'partners were moved between the members');

  // Which oplog rows carry each token (in notes, leadName, company or name).
  const carrying = new Map();
  for (const row of feed) {
    for (const field of ['notes', 'leadName', 'company', 'name']) {
      const value = row.changes[field]?.[1];
      if (typeof value === 'string' && value.startsWith('soak-')) carrying.set(value, [...(carrying.get(value) ?? []), row]);
    }
  }
  // Each record's oplog rows, oldest first (the feed is in seq order).
  const historyOf = new Map();
  for (const row of feed) {
    const key = `${row.entity}/${row.recordId}`;
    if (!historyOf.has(key)) historyOf.set(key, []);
    historyOf.get(key).push(row);
  }
  const history = (entity, id) => historyOf.get(`${entity}/${id}`) ?? [];

  // ---- every 2xx write once; every refusal nowhere; unknown whole or absent
  for (const e of log) {
    const where = `${e.op} ${e.entity} ${e.id ?? ''} → ${e.status}`;
    if (e.token) {
      const found = carrying.get(e.token) ?? [];
      if (e.outcome === 'ok') {
        assert.equal(found.length, 1, `${where}: in the oplog exactly once`);
        assert.equal(found[0].op, e.op === 'create' ? 'insert' : 'update', where);
        assert.equal(found[0].recordId, e.id ?? e.body.id, where);
      } else if (e.outcome === 'refused') {
        assert.equal(found.length, 0, `${where}: a refused write left no oplog row`);
      } else {
        assert.ok(found.length <= 1, `${where}: an unanswered write is whole or absent`);
      }
    }
  }
  // Deletes and restores carry no value of their own: per partner, the
  // oplog has one row for each that was answered 2xx, plus at most the
  // unanswered ones.
  const asked = new Map(); // "id op" -> {ok, unknown}
  for (const e of log.filter((x) => x.entity === 'partners' && (x.op === 'delete' || x.op === 'restore'))) {
    const key = `${e.id} ${e.op}`;
    if (!asked.has(key)) asked.set(key, { ok: 0, unknown: 0 });
    if (e.outcome !== 'refused') asked.get(key)[e.outcome]++;
  }
  for (const id of partners.keys()) {
    for (const op of ['delete', 'restore']) {
      const { ok, unknown } = asked.get(`${id} ${op}`) ?? { ok: 0, unknown: 0 };
      const rowsLogged = history('partners', id).filter((r) => r.op === op).length;
      assert.ok(rowsLogged >= ok && rowsLogged <= ok + unknown, `partner ${id}: ${op} ${ok} answered, ${rowsLogged} in the oplog`);
    }
  }
  // No oplog row of a soak record that no write asked for (partner updates
  // all carry a token; referral deletes and restores follow their partner).
  for (const row of feed.filter((r) => r.entity === 'partners' && partners.has(r.recordId) && r.op === 'update')) {
    assert.ok(typeof row.changes.notes?.[1] === 'string' && row.changes.notes[1].startsWith('soak-'), `update ${row.seq} came from a patch`);
  }
  // A referral's delete or restore that no request asked for is its
  // partner's: same transaction (same time), same actor.
  const partnerMoves = new Set(feed.filter((r) => r.entity === 'partners' && (r.op === 'delete' || r.op === 'restore'))
    .map((r) => `${r.recordId} ${r.op} ${r.at} ${r.actor?.id}`));
  for (const row of feed.filter((r) => r.entity === 'referrals' && (r.op === 'delete' || r.op === 'restore'))) {
    assert.ok(partnerMoves.has(`${row.partnerId} ${row.op} ${row.at} ${row.actor?.id}`),
    `referral ${row.op} ${row.seq} came with its partner's ${row.op}`);
  }

  // ---- the rows: each answer's version is the oplog row that made it -----
  const partnerRows = rows('partners', [...partners.keys()]);
  const referralRows = rows('referrals', [...referrals.keys()]);
  for (const [map, rowsOf, entity] of [[partners, partnerRows, 'partners'], [referrals, referralRows, 'referrals']]) {
    const ids = [...map.keys()];
    const versions = JSON.parse(sql(`select json_object_agg(id, version) from public.${entity}
                                      where id in (${ids.map((id) => `'${id}'`).join(',')})`));
    for (const id of ids) {
      assert.ok(rowsOf[id], `${entity} ${id} was answered 2xx and is in the database`);
      assert.equal(versions[id], history(entity, id).length, `${entity} ${id}: one version for each oplog row`);
    }
    for (const e of log.filter((x) => x.entity === entity && x.outcome === 'ok' && x.token)) {
      const id = e.body.id;
      const made = history(entity, id)[e.body.version - 1];
      assert.ok(Object.values(made.changes).some(([, v]) => v === e.token), `${entity} ${id} v${e.body.version} is the write answered with it`);
    }
  }

  // ---- derived figures equal a recount -----------------------------------
  // Every column the recount returns against the partner's of that name.
  const wrong = sql(`select count(*) from public.partners p cross join lateral public.partner_figures_recount(p.id) r
                      where exists (select 1 from jsonb_each(to_jsonb(r)) e where to_jsonb(p) -> e.key is distinct from e.value)`);
  assert.equal(wrong, '0', 'every partner\'s figures equal a recount from its rows');
  // The totals per owner and status (the overview's) against their recount.
  const totals = sql('select count(*) from public.partner_totals_drift()');
  assert.equal(totals, '0', 'the totals per owner and status equal a recount from the partners');
  const reviews = sql('select count(*) from public.partner_review_totals_drift()');
  assert.equal(reviews, '0', 'the partners per owner and review date equal a recount');
  const json = sql('select count(*) from public.partner_json_drift()');
  assert.equal(json, '0', 'every partner\'s kept JSON equals the one built from its row');

  // ---- attached records follow their partner -----------------------------
  // Live exactly when the partner is (the soak deletes none on its own, and
  // a partner's restore brings back what its delete took), and the
  // partner's owner's: row-level security shows them to that owner only.
  const soakPartners = [...partners.keys()].map((id) => `'${id}'`).join(',');
  const astray = sql(`select coalesce(json_agg(x), '[]') from (
      select c.kind, c.id, p.id as partner, c.deleted_at is null as live, p.deleted_at is null as partner_live,
             c.owner_user_id = p.owner_user_id as same_owner
        from (select 'referrals' as kind, id, partner_id, owner_user_id, deleted_at, deleted_with_partner from public.referrals
              union all select 'campaigns', id, partner_id, owner_user_id, deleted_at, deleted_with_partner from public.campaigns
              union all select 'shared_customers', id, partner_id, owner_user_id, deleted_at, deleted_with_partner from public.shared_customers
              union all select 'integrations', id, partner_id, owner_user_id, deleted_at, deleted_with_partner from public.integrations) c
        join public.partners p on p.id = c.partner_id
       where p.id in (${soakPartners})
         and ((p.deleted_at is null) <> (c.deleted_at is null) or c.owner_user_id <> p.owner_user_id)
       limit 5) x`);
  assert.deepEqual(JSON.parse(astray), [], 'every attached record is live when its partner is, and its partner\'s owner\'s');
  // The same through the API: each member's list of a shared partner's
  // referrals and shared customers is all of them or none.
  const live = JSON.parse(sql(`select json_object_agg(p.id, json_build_object('owner', p.owner_user_id,
      'referrals', (select count(*) from public.referrals r where r.partner_id = p.id and r.deleted_at is null),
      'shared-customers', (select count(*) from public.shared_customers s where s.partner_id = p.id and s.deleted_at is null)))
    from public.partners p where p.id in (${shared.map((id) => `'${id}'`).join(',')})`));
  for (const id of shared) {
    for (const member of [owner, other]) {
      for (const path of ['referrals', 'shared-customers']) {
        const r = await member.get(`/${path}?partnerId=${id}&limit=1`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.total, live[id].owner === member.user.id ? live[id][path] : 0,
          `${path} of partner ${id}: ${member.user.name} sees them exactly when they own the partner`);
      }
    }
  }
  const admins = sql(`select count(*) from public.users where role = 'admin' and not disabled`);
  assert.ok(Number(admins) >= 1, 'an admin is left');

  // ---- replaying the oplog from nothing gives the rows -------------------
  const replayed = { partners: {}, referrals: {} };
  for (const row of feed) {
    const state = replayed[row.entity];
    if (!state) continue;
    if (row.op === 'insert') {
      assert.ok(!state[row.recordId], `one insert for ${row.entity} ${row.recordId}`);
      state[row.recordId] = {};
    }
    if (!state[row.recordId]) continue; // a record from before the soak
    for (const [field, [, value]] of Object.entries(row.changes)) state[row.recordId][field] = value;
  }
  let compared = 0;
  for (const [entity, rowsOf] of [['partners', partnerRows], ['referrals', referralRows]]) {
    for (const [id, row] of Object.entries(rowsOf)) {
      const replay = replayed[entity][id];
      assert.ok(replay, `${entity} ${id} was inserted after the start`);
      for (const field of new Set([...Object.keys(row), ...Object.keys(replay)])) {
        assert.deepEqual(replay[field] ?? null, row[field] ?? null, `${entity} ${id}.${field}: the oplog replays to the row`);
      }
      compared++;
    }
  }
  t.diagnostic(`measured: ${compared} rows replayed from the oplog and equal to the database`);

  const health = await root.get('/health');
  assert.equal(health.status, 200, 'full service after');
});
