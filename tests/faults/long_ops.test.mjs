// Long operations cannot stall the service or outlive nginx
// (fcgi/README.md "Long operations"), on a stack of this test's own with
// small limits: a request deadline of 2 s, nginx giving up after 4 s, a
// statement timeout of 6 s, 4 workers (so 3 imports or exports at once).
// An import is made to wait by a session holding the partners table (or by
// many rows), so that what used to take minutes takes seconds:
// - an import that cannot commit in time is rolled back and answered 503,
//   never stored after nginx's 504; sent again with its Idempotency-Key it
//   is stored once;
// - a user's second import is refused at once (429), imports beyond the
//   slots too (503), and the health check and other members are served;
// - a long import does not hold up its user's other requests (the token's
//   last_used_at row);
// - an export of more rows than one statement read within the statement
//   timeout streams every row;
// - an import writes its owners' totals once, not once a row.
// Needs the program: PARTNERSHIPS_BIN, or the test stack's MASTER_PID.
// LONG_OPS_PORT (default: API_BASE's port + 10, past the ports make test
// takes) and LONG_OPS_VAR (default:
// beside PGDATA's stack) place the stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.PARTNERSHIPS_BIN || readlinkSync(`/proc/${process.env.MASTER_PID}/exe`);
const port = Number(process.env.LONG_OPS_PORT || Number(new URL(process.env.API_BASE).port) + 10);
const varDir = process.env.LONG_OPS_VAR || `${dirname(process.env.PGDATA)}-long-ops`;
const pgbin = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).map((v) => `/usr/lib/postgresql/${v}/bin`).pop();
const DEADLINE = 2;
const NGINX_TIMEOUT = 4;
const STATEMENT_TIMEOUT = 6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

process.env.API_BASE = `http://127.0.0.1:${port}`;
const { admin, newMember, newPartner, unique, BASE } = await import('../api/lib.mjs');

const psql = (sql) => execFileSync(`${pgbin}/psql`, ['-X', '-q', '-tA', '-h', `${varDir}/run`, '-U', 'postgres',
  '-d', 'partnerships', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();

// A session that holds the partners table against writes for seconds;
// resolves once it holds it, with { ended }: a promise of its end.
async function holdPartners(seconds) {
  const name = unique('holder');
  const holder = spawn(`${pgbin}/psql`, ['-X', '-q', '-h', `${varDir}/run`, '-U', 'postgres', '-d', 'partnerships',
    '-c', `begin; lock table public.partners in share mode; select pg_sleep(${seconds}); commit;`],
  { stdio: 'ignore', env: { ...process.env, PGAPPNAME: name } });
  const ended = new Promise((r) => holder.on('exit', r));
  for (let i = 0; i < 100; i++) {
    if (psql(`select count(*) from pg_locks l join pg_stat_activity a using (pid) where a.application_name = '${name}'
              and l.relation = 'public.partners'::regclass and l.mode = 'ShareLock' and l.granted`) === '1') {
      return { ended };
    }
    await sleep(50);
  }
  throw new Error('the holder did not lock the table');
}

const csvBody = (tag, n) => 'company,contactName,contactEmail,type\r\n' +
  Array.from({ length: n }, (_, i) => `${tag} ${i},Pat,pat@partner.example,referral\r\n`).join('');
const stored = (tag) => Number(psql(`select count(*) from public.partners where company like '${tag} %'`));
// A request timed: { status, headers, text, ms }.
async function timed(method, path, client, { body, headers = {} } = {}) {
  const h = { ...headers };
  if (client?.token) h.authorization = `Bearer ${client.token}`;
  if (client?.cookie) {
    h.cookie = `partnerships_session=${client.cookie}`;
    if (method !== 'GET') h['x-csrf-token'] = client.csrf;
  }
  if (body !== undefined) h['content-type'] ??= 'text/csv';
  const t0 = Date.now();
  const r = await fetch(BASE + path, { method, headers: h, body });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, ms: Date.now() - t0 };
}
const importCsv = (client, tag, n, headers) => timed('POST', '/partners/import', client, { body: csvBody(tag, n), headers });

before(async () => {
  const env = {
    ...process.env, ADMIN_EMAIL: 'admin@test.example', ADMIN_PASSWORD: 'admin-test-password', DEMO: '0', PG_FAST: '1',
    PARTNERSHIPS_WORKERS: '4', PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS: String(STATEMENT_TIMEOUT),
    PARTNERSHIPS_REQUEST_DEADLINE_SECONDS: String(DEADLINE), PARTNERSHIPS_SIGNIN_RATE: '1000000r/m',
    PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS: '10000',
    ASAN_OPTIONS: `detect_leaks=1:abort_on_error=0:log_path=${varDir}/log/asan`,
    UBSAN_OPTIONS: `print_stacktrace=1:log_path=${varDir}/log/ubsan`,
  };
  delete env.PARTNERSHIPS_LONG_OPERATIONS;
  execFileSync(`${root}/deploy/stack.sh`, ['start', varDir, String(port), bin, '--fresh'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // nginx gives up after NGINX_TIMEOUT seconds (60 in production).
  const conf = `${varDir}/nginx/partnerships.conf`;
  const text = readFileSync(conf, 'utf8').replace(/^\s*fastcgi_read_timeout .*\n/mg, '')
    .replace('fastcgi_keep_conn off;', `fastcgi_keep_conn off;\n    fastcgi_read_timeout ${NGINX_TIMEOUT}s;`);
  writeFileSync(conf, text);
  process.kill(Number(readFileSync(`${varDir}/nginx/nginx.pid`, 'utf8')), 'SIGHUP');
  await sleep(1000);
});

after(() => {
  execFileSync(`${root}/deploy/stack.sh`, ['stop', varDir], { stdio: 'ignore' });
  let reports = '';
  for (const f of readdirSync(`${varDir}/log`)) {
    if (/^(asan|ubsan)/.test(f)) reports += readFileSync(`${varDir}/log/${f}`, 'utf8');
  }
  assert.doesNotMatch(reports, /ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:/, reports.slice(0, 3000));
});

test('an import that cannot commit in time is rolled back (503), not stored after a 504; its retry stores it once', async () => {
  const m = await newMember(await admin(), 'deadline');
  const tag = unique('Late');
  const key = unique('key');
  const { ended } = await holdPartners(NGINX_TIMEOUT + 1);
  const late = await importCsv(m, tag, 5, { 'Idempotency-Key': key });
  assert.equal(late.status, 503, `answered by the program before nginx gave up: ${late.status} after ${late.ms} ms`);
  assert.ok(late.ms < NGINX_TIMEOUT * 1000, `${late.ms} ms`);
  assert.match(late.text, /rolled back; nothing was imported/);
  assert.ok(Number(late.headers.get('retry-after')) > 0, 'Retry-After');
  await ended;
  await sleep(500);
  assert.equal(stored(tag), 0, 'nothing stored after the answer');

  // Sent again with its key: stored once, however often it is sent.
  const first = await importCsv(m, tag, 5, { 'Idempotency-Key': key });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(JSON.parse(first.text), { created: 5 });
  const again = await importCsv(m, tag, 5, { 'Idempotency-Key': key });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(JSON.parse(again.text), { created: 5 });
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(stored(tag), 5, 'the retry stored nothing twice');
  const other = await importCsv(m, tag, 4, { 'Idempotency-Key': key });
  assert.equal(other.status, 422, 'the key of another request');
  // A create too.
  const body = JSON.stringify({ company: `${tag} one`, contactName: 'Pat', contactEmail: 'pat@partner.example', type: 'referral' });
  const createKey = { 'Idempotency-Key': unique('create'), 'content-type': 'application/json' };
  const c1 = await timed('POST', '/partners', m, { body, headers: createKey });
  const c2 = await timed('POST', '/partners', m, { body, headers: createKey });
  assert.equal(c1.status, 201, c1.text);
  assert.equal(c2.status, 201, c2.text);
  assert.equal(JSON.parse(c2.text).id, JSON.parse(c1.text).id, 'the same record');
  assert.equal(c2.headers.get('etag'), c1.headers.get('etag'));
  assert.equal(stored(tag), 6);
});

test('imports cannot take every worker: one per user (429), the slots (503) at once; others are served', async () => {
  const root = await admin();
  const members = [];
  for (let i = 0; i < 5; i++) members.push(await newMember(root, `slots${i}`));
  const p = await newPartner(members[4]);
  const tag = unique('Busy');
  const { ended } = await holdPartners(DEADLINE + 2);
  // Three imports hold the three slots, waiting on the table.
  const running = [0, 1, 2].map((i) => importCsv(members[i], `${tag}${i}`, 3));
  await sleep(300);
  const own = await importCsv(members[0], `${tag}x`, 3);
  assert.equal(own.status, 429, `the same user's second import: ${own.status} after ${own.ms} ms`);
  assert.ok(own.ms < 1000, `at once (${own.ms} ms)`);
  assert.ok(Number(own.headers.get('retry-after')) > 0);
  const over = await importCsv(members[3], `${tag}3`, 3);
  assert.equal(over.status, 503, `an import beyond the slots: ${over.status} after ${over.ms} ms`);
  assert.ok(over.ms < 1000, `at once (${over.ms} ms)`);
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  // A worker is left for everyone else.
  const health = await timed('GET', '/health');
  assert.equal(health.status, 200);
  assert.ok(health.ms < 1000, `health at once (${health.ms} ms)`);
  const read = await timed('GET', `/partners/${p.id}`, members[4]);
  assert.equal(read.status, 200, read.text);
  assert.ok(read.ms < 1000, `another member's read at once (${read.ms} ms)`);
  // The running ones stop at the deadline, and store nothing.
  for (const r of await Promise.all(running)) {
    assert.equal(r.status, 503, r.text);
    assert.ok(r.ms < (DEADLINE + 1) * 1000, `stopped at the deadline (${r.ms} ms)`);
  }
  await ended;
  for (let i = 0; i < 4; i++) assert.equal(stored(`${tag}${i}`), 0);
  assert.equal((await importCsv(members[3], `${tag}3`, 3)).status, 200, 'a slot is free again');
});

test("a long import does not hold up its user's other requests (the token's or session's last use)", async () => {
  const root = await admin();
  const m = await newMember(root, 'token');
  const browser = await newMember(root, 'session');
  const t = await timed('POST', '/me/tokens', m, { body: JSON.stringify({ name: 'script' }),
    headers: { 'content-type': 'application/json' } });
  assert.equal(t.status, 201, t.text);
  const script = { token: JSON.parse(t.text).token };
  // Last used more than a minute ago: the import's sign-in writes the row.
  psql("update public.api_tokens set last_used_at = now() - interval '1 hour'");
  psql("update public.sessions set last_seen_at = now() - interval '1 hour'");
  const { ended } = await holdPartners(DEADLINE + 2);
  const importing = [importCsv(script, unique('Tok'), 3), importCsv(browser, unique('Ses'), 3)];
  await sleep(300);
  const list = await timed('GET', '/partners', script);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.ms < 1000, `the same token, at once (${list.ms} ms)`);
  const page = await timed('GET', '/partners', browser);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.ms < 1000, `the same session, at once (${page.ms} ms)`);
  await Promise.all(importing);
  await ended;
});

test('an export of more rows than one statement read in the statement timeout streams every row, with no cap', async () => {
  const root = await admin();
  const m = await newMember(root, 'export');
  const n = 8000;
  // Many rows at once (triggers off: this session writes the rows only).
  psql(`set session_replication_role = replica;
        insert into public.partners (company, contact_name, contact_email, type, owner_user_id, api_members)
        select 'Export ' || g, 'Pat', 'pat@partner.example', 'referral', '${m.user.id}', '' from generate_series(1, ${n}) g;
        update public.partners p set api_members = public.partner_json_members(p) where p.owner_user_id = '${m.user.id}'`);
  // As one statement, the export took 1.9 ms a row here (15 s, past the
  // statement timeout of 6 s); read in FETCHes of 2,000 rows, far less.
  const r = await timed('GET', '/partners.csv', m);
    assert.equal(r.status, 200, r.text.slice(0, 300));
  const lines = r.text.split('\r\n').filter(Boolean);
  assert.equal(lines.length, n + 1, 'the header and every row');
  assert.ok(!r.headers.get('content-length'), 'streamed');
  const limited = await timed('GET', '/partners.csv?limit=100001', m);
  assert.equal(limited.status, 200, `a limit past the old cap: ${limited.text.slice(0, 300)}`);
  console.log(`# measured: export of ${n} rows in ${r.ms} ms (sanitizer build): ${Math.round(n / (r.ms / 1000))} rows/s`);
});

test("an import adds to its owners' totals once, not once a row (whose cost was the square of its rows)", async () => {
  const m = await newMember(await admin(), 'totals');
  const tag = unique('Bulk');
  const n = 200;
  const body = 'company,contactName,contactEmail,type,nextReview\r\n' +
    Array.from({ length: n }, (_, i) => `${tag} ${i},Pat,pat@partner.example,referral,2030-0${1 + (i % 2)}-01\r\n`).join('');
  // Every write of the totals tables, counted by a trigger of this test.
  psql(`create table public.test_totals_writes (n integer);
        create function public.test_totals_count() returns trigger language plpgsql security definer
          set search_path = '' as $$ begin insert into public.test_totals_writes values (1); return null; end $$;
        create trigger test_totals_count after insert or update on public.partner_totals
          for each row execute function public.test_totals_count();
        create trigger test_totals_count after insert or update on public.partner_review_totals
          for each row execute function public.test_totals_count();`);
  try {
    const r = await timed('POST', '/partners/import', m, { body });
    assert.equal(r.status, 200, r.text);
    const written = Number(psql('select count(*) from public.test_totals_writes'));
    assert.ok(written <= 3, `${written} writes of the totals for ${n} rows`);
  } finally {
    psql(`drop trigger test_totals_count on public.partner_totals;
          drop trigger test_totals_count on public.partner_review_totals;
          drop function public.test_totals_count(); drop table public.test_totals_writes;`);
  }
  assert.equal(psql(`select partners from public.partner_totals where owner_user_id = '${m.user.id}'`), String(n));
  assert.equal(psql(`select string_agg(partners::text, ',' order by next_review) from public.partner_review_totals
                     where owner_user_id = '${m.user.id}'`), `${n / 2},${n / 2}`);
  for (const drift of ['partner_totals_drift', 'partner_review_totals_drift']) {
    assert.equal(psql(`select count(*) from public.${drift}() where owner_user_id = '${m.user.id}'`), '0', drift);
  }
});
