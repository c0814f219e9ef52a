// make bench: every route through nginx with wrk, against pgbench running
// the very SQL the program sent for that route (captured from PostgreSQL's
// statement log for one request), in the same transaction shape, at the same
// concurrency, in the same run.  Prints one table; see tests/bench/run.sh.
// Per route and concurrency: the ratio (req/s / pgbench's tps: the share of
// PostgreSQL's rate the HTTP path keeps, which falls when the SQL gets
// cheaper and the path does not) and the HTTP path's time per request (1 s /
// req/s - 1 s / tps: what nginx, the worker and wrk add to each request at
// that concurrency, whatever the SQL costs).
//
// Environment: BASE (the stack's URL), PGHOST (socket directory), PGLOG (the
// cluster's log file), MASTER_PID, SECONDS_PER_RUN (default 5), CONNS
// (default "1 16 64"), PGBIN; SQL_ONLY=1 prints the pgbench scripts only;
// PLANS=1 also runs pgbench with plans forced generic, and forced custom.
// PEER (the hand-written service's URL, tests/bench/peer.mjs): its answers
// are checked against the program's first (agree.mjs), then each route it
// serves is measured on it too, the same way, right after the program's.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { agree } from './agree.mjs';

const base = `${process.env.BASE}/api/v1/`;
const seconds = Number(process.env.SECONDS_PER_RUN || 5);
const conns = (process.env.CONNS || '1 16 64').split(/\s+/).filter(Boolean).map(Number);
const pgbin = process.env.PGBIN;
const dir = mkdtempSync(join(tmpdir(), 'partnerships-bench-'));
const token = 'bench-token-1';   // a member: owns a tenth of the company (tests/bench/seed.sql)
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

const psql = (sql) => execFileSync(`${pgbin}/psql`, ['-X', '-qAt', '-h', process.env.PGHOST, '-U', 'postgres',
  '-d', 'partnerships', '-c', sql]).toString().trim();
const api = async (method, path, body, ifMatch) => {
  const h = { ...headers };
  if (ifMatch) h['If-Match'] = `"${ifMatch}"`;
  const r = await fetch(base + path, { method, headers: h, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
};

// The member's partners: one to read, a pool to patch (wrk), a pool for pgbench.
const mine = (await api('GET', 'partners?limit=500&sort=company')).items;
const [one, patched] = mine;
// Disjoint pools (pgbench patches without versions; wrk's If-Match must
// stay current): up to 400 for wrk, one per pgbench client; smaller for a
// small SCALE.
const half = Math.min(400, Math.floor((mine.length - 2) / 2));
const wrkPool = mine.slice(2, 2 + half);
const pgPool = mine.slice(2 + half, 2 + half + Math.min(half, Math.max(...conns)));
psql(`set client_min_messages = warning; drop table if exists public.bench_pool; create table public.bench_pool (n integer primary key, id text not null);
      insert into public.bench_pool values ${pgPool.map((p, i) => `(${i}, '${p.id}')`).join(', ')};
      grant select on public.bench_pool to partnerships_app`);

const partnerBody = { company: 'Bench Company', contactName: 'Bench Contact', contactEmail: 'bench@bench.example', type: 'referral' };
// peer: the hand-written service serves it too (peer.mjs).  The board is
// asked for what its cards show, as the browser asks.
const allRoutes = [
  { name: 'GET /partners/{id}', method: 'GET', path: `partners/${one.id}`, peer: true },
  { name: 'GET /partners (company)', method: 'GET', path: 'partners?sort=company&limit=50', peer: true },
  { name: 'GET /partners (status, -revenue)', method: 'GET', path: 'partners?status=active&sort=-revenueAttributed&limit=50', peer: true },
  { name: 'GET /partners?q=', method: 'GET', path: 'partners?q=consulting', peer: true },
  // A word one partner has (its contact's address): what an index serves.
  { name: 'GET /partners?q= (one match)', method: 'GET', path: `partners?q=${encodeURIComponent(one.contactEmail)}`, peer: true },
  { name: 'GET /boards/partners (cards)', method: 'GET', path: 'boards/partners?fields=company,type,revenueAttributed,version', peer: true,
    peerPath: 'boards/partners' },
  { name: 'GET /overview', method: 'GET', path: 'overview', peer: true },
  { name: 'GET /performance', method: 'GET', path: 'performance' },
  { name: 'POST /partners', method: 'POST', path: 'partners', body: partnerBody, write: true },
  { name: 'PATCH /partners/{id}', method: 'PATCH', path: `partners/${patched.id}`, body: { notes: 'benchmarked' },
    ifMatch: patched.version, write: true, pool: true, peer: true },
  // Each connection refers leads from its own partners in turn: sixteen
  // people logging referrals at once rarely share a partner.  (All on one
  // partner, every request waits for the one before on that partner's
  // counters: ROUTES=referral ONE_PARTNER=1 measures that.)
  { name: 'POST /referrals', method: 'POST', path: 'referrals',
    body: { partnerId: one.id, direction: 'inbound', leadName: 'Bench Lead' }, write: true,
    spread: !process.env.ONE_PARTNER },
];
// ROUTES='boards|performance' runs only the routes whose name matches.
const routes = allRoutes.filter((r) => !process.env.ROUTES || new RegExp(process.env.ROUTES).test(r.name));

// --- the SQL of one request, from the statement log ----------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function statements(log) {
  const entries = [];
  for (const line of log.split('\n')) {
    const m = line.match(/^\S+ \S+ \S+ \[\d+\] (LOG|DETAIL):  (.*)$/);
    if (m) entries.push({ kind: m[1], text: m[2] });
    else if (entries.length && line.startsWith('\t')) entries[entries.length - 1].text += '\n' + line.slice(1);
  }
  const out = [];
  for (const e of entries) {
    if (e.kind === 'LOG' && e.text.startsWith('statement: ')) out.push({ sql: e.text.slice(11), params: [] });
    else if (e.kind === 'LOG' && /^execute [^:]+: /.test(e.text)) out.push({ sql: e.text.replace(/^execute [^:]+: /, ''), params: [] });
    else if (e.kind === 'DETAIL' && e.text.startsWith('parameters: ') && out.length) {
      const params = [];
      const re = /\$(\d+) = (NULL|'((?:[^']|'')*)')/g;
      let m;
      while ((m = re.exec(e.text))) params[Number(m[1]) - 1] = m[2] === 'NULL' ? null : m[3].replace(/''/g, "'");
      out[out.length - 1].params = params;
    }
  }
  return out;
}

async function capture(route) {
  // Warm every worker first, so that the captured request is a plain one.
  for (let i = 0; i < 8; i++) await send(route);
  const log = process.env.PGLOG;
  const size = statSync(log).size;
  await send(route);
  await sleep(300);
  return statements(readFileSync(log).subarray(size).toString());
}

async function send(route) {
  const r = await api(route.method, route.path, route.body, route.ifMatch);
  if (route.pool) route.ifMatch = r.version;
  return r;
}

// pgbench's script: the same statements, sent the same way; parameters as -D
// variables (sent as parameters in -M prepared).  PATCH: each client patches its own partner
// (bench_pool, by :client_id) without a version check, since pgbench cannot
// carry the version from one transaction to the next.
function pgbenchScript(route, stmts) {
  const defines = [];
  const lines = stmts.map((s, k) => {
    let sql = s.sql;
    if ((route.pool && /^update /.test(sql)) || (route.spread && /^insert /.test(sql))) {
      const idIndex = s.params.indexOf(route.pool ? route.lastPatchedId : one.id);
      sql = sql.replace(new RegExp(`\\$${idIndex + 1}(?!\\d)`, 'g'), `(select id from public.bench_pool where n = :client_id % ${pgPool.length})`);
      if (route.pool)
        s.params.forEach((v, i) => { if (/^\d+$/.test(v ?? '') && i !== idIndex) sql = sql.replace(new RegExp(`\\$${i + 1}::integer`, 'g'), 'null::integer'); });
    }
    sql = sql.replace(/\$(\d+)/g, (_, n) => {
      if (s.params[n - 1] === null) return 'null';   // pgbench has no null variable
      defines.push(`v${k}_${n}=${s.params[n - 1]}`);
      return `:v${k}_${n}`;
    });
    return `${sql};`;
  });
  // The program sends BEGIN with the session lookup, and a read's statement
  // with COMMIT (libpq pipeline mode): so does pgbench.
  const pipelined = (a, b) => ['\\startpipeline', a, b, '\\endpipeline'];
  if (route.method === 'GET' && /^commit$/i.test(stmts.at(-1)?.sql ?? '')) lines.splice(-2, 2, ...pipelined(...lines.slice(-2)));
  if (/^begin$/i.test(stmts[0]?.sql ?? '')) lines.splice(0, 2, ...pipelined(lines[0], lines[1]));
  return { script: lines.join('\n') + '\n', defines };
}

// pgbench's own latencies come from its per-transaction log (-l: one file
// per thread, the latency in microseconds in the third column): what
// PostgreSQL alone needs for the route's SQL at that concurrency.
function pgbench(route, clients, planMode) {
  const file = join(dir, `${route.slug}.sql`);
  const logPrefix = join(dir, `${route.slug}-${clients}`);
  writeFileSync(file, route.pg.script);
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds),
    '-l', `--log-prefix=${logPrefix}`, '-h', process.env.PGHOST, '-U', 'partnerships_app', '-f', file];
  for (const d of route.pg.defines) args.push('-D', d);
  args.push('partnerships');
  const env = planMode ? { ...process.env, PGOPTIONS: `-c plan_cache_mode=${planMode}` } : process.env;
  const r = spawnSync(`${pgbin}/pgbench`, args, { encoding: 'utf8', cwd: dir, env });
  const tps = r.stdout.match(/tps = ([\d.]+) \(without/);
  const failed = r.stdout.match(/number of failed transactions: (\d+)/);
  if (!tps || r.status !== 0) return { error: (r.stderr || r.stdout).split('\n').filter(Boolean).slice(-2).join(' ') };
  const prefix = basename(logPrefix);
  const latencies = readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split(' ')[2]) / 1000)).filter(Number.isFinite)
    .sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { tps: Number(tps[1]), failed: failed ? Number(failed[1]) : 0, p50: at(0.5), p99: at(0.99) };
}

// --- wrk -----------------------------------------------------------------
const lua = (s) => JSON.stringify(s);
function wrkScript(route) {
  const h = `wrk.method = ${lua(route.method)}\nwrk.headers["Authorization"] = ${lua(`Bearer ${token}`)}\n` +
    `wrk.headers["Content-Type"] = "application/json"\n`;
  if (!route.pool && !route.spread) return h + (route.body ? `wrk.body = ${lua(JSON.stringify(route.body))}\n` : '');
  // Each thread takes its share of the pool's partners, in turn.  PATCH
  // sends each the version the last answer gave (If-Match), so that no
  // request meets 412; POST /referrals refers a lead from each.
  const body = JSON.stringify(route.body).split(one.id);
  return h + `
local pool = {${wrkPool.map((p) => `{${lua(p.id)}, ${p.version}}`).join(', ')}}
local threads = 0
local mine, versions, next = {}, {}, 0
function setup(thread) thread:set("first", threads); threads = threads + 1 end
function init(args)
  local t, n = tonumber(first), tonumber(args[1])
  for i = 1, #pool do if (i - 1) % n == t then mine[#mine + 1] = pool[i][1]; versions[pool[i][1]] = pool[i][2] end end
end
` + (route.spread ? `function request()
  next = next % #mine + 1
  return wrk.format(nil, nil, nil, ${lua(body[0])} .. mine[next] .. ${lua(body[1])})
end
` : `function request()
  next = next % #mine + 1
  local id = mine[next]
  return wrk.format(nil, "/api/v1/partners/" .. id, {["Authorization"] = wrk.headers["Authorization"],
    ["Content-Type"] = "application/json", ["If-Match"] = '"' .. versions[id] .. '"'}, ${lua(JSON.stringify(route.body))})
end
function response(status, headers, body)
  local id, version = body:match('"id" *: *"([^"]+)"'), body:match('"version" *: *(%d+)')
  if id and version then versions[id] = tonumber(version) end
end
`);
}

function wrk(route, connections, origin = base) {
  const file = join(dir, `${route.slug}.lua`);
  if (route.pool) {  // the versions the previous runs left
    const versions = new Map(psql(`select id || ' ' || version from public.partners where id in
      (${wrkPool.map((p) => `'${p.id}'`).join(', ')})`).split('\n').map((l) => l.split(' ')));
    for (const p of wrkPool) p.version = Number(versions.get(p.id));
  }
  writeFileSync(file, wrkScript(route));
  const threads = Math.min(connections, 2);
  const path = origin === base ? route.path : route.peerPath || route.path;
  const r = spawnSync('wrk', ['--latency', '-t', String(threads), '-c', String(connections), '-d', `${seconds}s`,
    '-s', file, origin + path, '--', String(threads)], { encoding: 'utf8' });
  const rate = r.stdout.match(/Requests\/sec:\s+([\d.]+)/);
  const ms = (label) => {
    const m = r.stdout.match(new RegExp(`^\\s+${label}\\s+([\\d.]+)(us|ms|s)`, 'm'));
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  };
  const non2xx = r.stdout.match(/Non-2xx or 3xx responses: (\d+)/);
  const errors = r.stdout.match(/Socket errors: (.*)/);
  return { rate: rate ? Number(rate[1]) : 0, p50: ms('50%'), p99: ms('99%'), non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: errors ? errors[1] : '' };
}

// --- worker memory ---------------------------------------------------------
function workerRss() {
  const children = execFileSync('pgrep', ['-P', process.env.MASTER_PID]).toString().trim().split('\n');
  return children.map((pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]));
}

// --- run -------------------------------------------------------------------
psql("alter system set log_statement = 'all'");
psql('select pg_reload_conf()');
await sleep(300);
try {
  for (const route of routes) {
    route.slug = route.name.replace(/[^a-z]+/gi, '_').toLowerCase();
    if (route.pool) route.lastPatchedId = patched.id;
    const stmts = await capture(route);
    route.pg = pgbenchScript(route, stmts);
    route.statements = stmts.length;
  }
} finally {
  psql('alter system reset log_statement');
  psql('select pg_reload_conf()');
}
await sleep(300);
if (process.env.SQL_ONLY) {
  for (const r of routes) console.log(`-- ${r.name}\n${r.pg.script}`);
  process.exit(0);
}

const peerBase = process.env.PEER ? `${process.env.PEER}/api/v1/` : null;
if (peerBase) console.log(`ok - the peer agrees with the program on ${await agree()} answers`);

const rssBefore = workerRss();
const started = Date.now();
const rows = [];
let requests = 0;
for (const route of routes) {
  for (const c of conns) {
    const w = wrk(route, c);
    const p = pgbench(route, c);
    requests += w.rate * seconds;
    rows.push({ route: route.name, c, ...w, tps: p.tps, pgError: p.error, pgFailed: p.failed });
    process.stdout.write(`${route.name.padEnd(34)} ${String(c).padStart(3)}  ${w.rate.toFixed(0).padStart(7)} req/s  ` +
      `p50 ${w.p50.toFixed(2).padStart(6)} ms  p99 ${w.p99.toFixed(2).padStart(7)} ms  non-2xx ${String(w.non2xx).padStart(4)}  ` +
      `${p.tps ? `pgbench ${p.tps.toFixed(0).padStart(7)} tps  p50 ${p.p50.toFixed(2).padStart(6)} ms  ` +
        `p99 ${p.p99.toFixed(2).padStart(7)} ms  ratio ${(w.rate / p.tps).toFixed(2)}  ` +
        `HTTP path ${(1e6 / w.rate - 1e6 / p.tps).toFixed(0).padStart(5)} us/req` : `pgbench: ${p.error}`}` +
      `${w.errors ? `  socket errors: ${w.errors}` : ''}\n`);
    if (process.env.PLANS) {
      // The route's SQL with every plan generic, and with every plan made
      // for its values: which a statement should be prepared for.
      const g = pgbench(route, c, 'force_generic_plan'), k = pgbench(route, c, 'force_custom_plan');
      process.stdout.write(`${'  plans'.padEnd(34)} ${String(c).padStart(3)}  pgbench as chosen ${p.tps?.toFixed(0)} tps, ` +
        `generic ${g.tps?.toFixed(0) ?? g.error} tps, custom ${k.tps?.toFixed(0) ?? k.error} tps\n`);
    }
    if (peerBase && route.peer) {
      const q = wrk(route, c, peerBase);
      rows.push({ route: `${route.name} (peer)`, c, ...q });
      process.stdout.write(`${'  the peer'.padEnd(34)} ${String(c).padStart(3)}  ${q.rate.toFixed(0).padStart(7)} req/s  ` +
        `p50 ${q.p50.toFixed(2).padStart(6)} ms  p99 ${q.p99.toFixed(2).padStart(7)} ms  non-2xx ${String(q.non2xx).padStart(4)}  ` +
        `ours/peer ${(w.rate / q.rate).toFixed(2)}  p99 ours/peer ${(w.p99 / q.p99).toFixed(2)}` +
        `${q.errors ? `  socket errors: ${q.errors}` : ''}\n`);
    }
  }
}
const rssAfter = workerRss();
console.log(`\nworker RSS (KiB) before: ${rssBefore.join(' ')}; after ${requests.toFixed(0)} requests in ` +
  `${((Date.now() - started) / 1000).toFixed(0)} s: ${rssAfter.join(' ')}`);
console.log(`statements per request (from the log): ${routes.map((r) => `${r.name} ${r.statements}`).join('; ')}`);
const bad = rows.filter((r) => r.non2xx || r.pgError);
process.exit(bad.length ? 1 : 0);
