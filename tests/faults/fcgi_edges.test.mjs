// The program's own handling of its socket and its processes, spoken to in
// FastCGI on its socket directly ($PGDATA/../run/partnerships.sock), as the
// web server would, with the edges a web server rarely shows:
// - a body shorter than its Content-Length is refused, never taken whole;
// - a reload (SIGHUP) lets the requests in flight finish: a body still
//   arriving, and an answer larger than the socket's buffer;
// - a request read whole frees its worker without waiting for the web
//   server to close its side; a body left unread still gets its answer
//   (the program then waits for the web server before it closes);
// - a fork that fails (out of processes) is tried again until workers are
//   back, without a restart.
// Needs MASTER_PID (the `serve` master of the test stack), PGDATA and API_BASE.
import { test } from 'node:test';
import { workersOf } from './workers.mjs';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { admin, newMember, unique, BASE } from '../api/lib.mjs';
import { socketPath, record, params } from './fastcgi.mjs';

const master = Number(process.env.MASTER_PID);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A request on a new connection.  start() sends BEGIN_REQUEST and PARAMS;
// the caller sends stdin with send() and end().  answer resolves with
// { status, stdout, ended } when the connection closes: ended tells
// whether END_REQUEST came (an answer cut short has none).
function request(env) {
  const conn = connect(socketPath());
  let buffer = Buffer.alloc(0);
  const out = [];
  let ended = false;
  const answer = new Promise((resolve, reject) => {
    conn.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const len = buffer.readUInt16BE(4);
        const total = 8 + len + buffer[6];
        if (buffer.length < total) break;
        if (buffer[1] === 6) out.push(buffer.subarray(8, 8 + len));
        if (buffer[1] === 3) ended = true;
        buffer = buffer.subarray(total);
      }
    });
    conn.on('error', reject);
    conn.on('close', () => {
      const stdout = Buffer.concat(out).toString();
      const status = Number(/^Status: (\d+)/.exec(stdout)?.[1] ?? 0);
      resolve({ status, stdout, body: stdout.slice(stdout.indexOf('\r\n\r\n') + 4), ended });
    });
  });
  conn.write(Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), record(4, params(env)), record(4)]));
  return {
    conn,
    answer,
    send: (bytes) => conn.write(record(5, Buffer.from(bytes))),
    end: () => conn.write(record(5)),
  };
}

const env = (token, method, uri, extra = {}) => ({
  REQUEST_METHOD: method, DOCUMENT_URI: uri, QUERY_STRING: '', REQUEST_ID: unique('fcgi'),
  REMOTE_ADDR: '127.0.0.1', PARTNERSHIPS_API_PATH: '/api/', HTTP_AUTHORIZATION: `Bearer ${token}`, ...extra,
});

async function member() {
  const m = await newMember(await admin(), 'fcgi');
  const r = await m.post('/me/tokens', { name: 'fcgi edges' });
  assert.equal(r.status, 201, r.text);
  return { m, token: r.json.token };
}

const csvOf = (tag, n) => ['company,contactName,contactEmail,type',
  ...Array.from({ length: n }, (_, i) => `${tag}-${i},Pat ${i},pat${i}@partner.example,referral`)].join('\n') + '\n';

const count = async (m, tag) => (await m.get(`/partners?q=${tag}&limit=1`)).json.total;

test('a body shorter than its Content-Length is refused (400), and nothing of it is stored', async () => {
  const { m, token } = await member();
  const tag = unique('cut');
  const whole = csvOf(tag, 4);
  const cut = whole.slice(0, whole.indexOf('\n', whole.indexOf(`${tag}-1`)) + 1);   // the header and two whole rows
  const r = request(env(token, 'POST', '/api/v1/partners/import',
    { CONTENT_TYPE: 'text/csv', CONTENT_LENGTH: String(Buffer.byteLength(whole)) }));
  r.send(cut);
  r.end();
  const a = await r.answer;
  assert.equal(a.status, 400, a.stdout);
  assert.match(a.body, /shorter than its Content-Length/);
  assert.equal(await count(m, tag), 0, 'no row of the cut body was imported');
});

test('a reload while a body is still arriving: the request finishes whole', async () => {
  const { m, token } = await member();
  const tag = unique('hup-in');
  const whole = csvOf(tag, 50);
  const half = Math.floor(whole.length / 2);
  const r = request(env(token, 'POST', '/api/v1/partners/import',
    { CONTENT_TYPE: 'text/csv', CONTENT_LENGTH: String(Buffer.byteLength(whole)) }));
  r.send(whole.slice(0, half));
  await sleep(300);
  process.kill(master, 'SIGHUP');
  await sleep(700);
  r.send(whole.slice(half));
  r.end();
  const a = await r.answer;
  assert.equal(a.status, 200, a.stdout);
  assert.deepEqual(JSON.parse(a.body), { created: 50 });
  assert.equal(await count(m, tag), 50);
});

test('a reload while a large answer is being written: it arrives whole, with its end', async () => {
  const { m, token } = await member();
  const tag = unique('hup-out');
  // About 350 kB of CSV: more than the socket's buffer (about 200 kB), so
  // the worker is still writing when the reload asks it to leave; small
  // enough to be read well within the statement timeout of the tests' stack.
  const r0 = await m.req('POST', '/partners/import', { raw: csvOf(tag, 1500), headers: { 'content-type': 'text/csv' } });
  assert.equal(r0.status, 200, r0.text);
  const r = request(env(token, 'GET', '/api/v1/partners.csv'));
  r.conn.pause();                       // nothing is read: the worker blocks in write()
  r.end();
  await sleep(500);
  process.kill(master, 'SIGHUP');
  await sleep(500);
  r.conn.resume();
  const a = await r.answer;
  assert.equal(a.status, 200, a.stdout.slice(0, 300));
  assert.ok(a.ended, 'the answer ends with END_REQUEST');
  const rows = a.body.trimEnd().split(/\r?\n/).length - 1;
  assert.equal(rows, 1500, 'every partner is in the export');
});

// A request whose connection this side keeps open (half-open) after the
// answer, as a web server may for a moment: resolves with the status when
// the program's side ends, and the time that took.
function heldRequest(env) {
  const conn = connect({ path: socketPath(), allowHalfOpen: true });
  const started = Date.now();
  let text = '';
  const answer = new Promise((resolve, reject) => {
    conn.on('data', (chunk) => { text += chunk.toString('latin1'); });
    conn.on('error', reject);
    conn.on('end', () => resolve({ status: Number(/Status: (\d+)/.exec(text)?.[1] ?? 0), ms: Date.now() - started }));
  });
  conn.write(Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), record(4, params(env)), record(4), record(5)]));
  return { conn, answer };
}

test('a request read whole frees its worker at once: the next is not kept waiting on the web server', async () => {
  const { token } = await member();
  const workers = workersOf(master).length;
  assert.ok(workers > 0, 'the master has workers');
  // One request per worker, answered, their connections left open on this
  // side.  A worker that waited for the web server to close first (libfcgi's
  // closing, up to 2 s) would hold every worker here.
  const held = Array.from({ length: workers }, () => heldRequest(env(token, 'GET', '/api/v1/me')));
  for (const h of held) assert.equal((await h.answer).status, 200);
  const next = heldRequest(env(token, 'GET', '/api/v1/me'));
  const a = await next.answer;
  for (const h of [...held, next]) h.conn.destroy();
  assert.equal(a.status, 200);
  assert.ok(a.ms < 1000, `the next request was answered in ${a.ms} ms, not after a worker's 2 s wait`);
});

test('a body left unread (over the limit) is still answered 413 whole, with its end', async () => {
  const { token } = await member();
  const r = request(env(token, 'POST', '/api/v1/partners',
    { CONTENT_TYPE: 'application/json', CONTENT_LENGTH: String(2 * 1024 * 1024) }));
  r.send('x'.repeat(60000));           // some of the body; the program answers before reading it
  const a = await r.answer;
  assert.equal(a.status, 413, a.stdout);
  assert.ok(a.ended, 'the answer ends with END_REQUEST');
});

test('a fork that fails leaves no worker for good: the master tries again until workers are back', async () => {
  assert.ok(master > 0, 'MASTER_PID is set');
  const health = async () => {
    try {
      return (await fetch(`${BASE}/health`, { signal: AbortSignal.timeout(2000) })).status;
    } catch {
      return 0;
    }
  };
  const workers = () => workersOf(master);
  assert.equal(await health(), 200);
  // The master's user may have one process: every fork fails (EAGAIN).  Set
  // as that user (root may lack CAP_SYS_RESOURCE), the soft limit only, which
  // the same user may raise again.
  const asOwner = process.getuid() === 0
    ? ['setpriv', '--reuid=partnerships', '--regid=partnerships', '--init-groups', '--', 'prlimit'] : ['prlimit'];
  const limit = (value) => execFileSync(asOwner[0], [...asOwner.slice(1), '--pid', String(master), `--nproc=${value}:`]);
  const before = /^Max processes\s+(\S+)/m.exec(readFileSync(`/proc/${master}/limits`, 'utf8'))[1];
  limit('1');
  try {
    for (const pid of workers()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if (e.code !== 'ESRCH') throw e;   // a worker that had just ended on its own
      }
    }
    await sleep(1500);
    assert.notEqual(await health(), 200, 'with no worker, the service does not answer');
  } finally {
    limit(before);
  }
  let status = 0;
  for (let i = 0; i < 20 && status !== 200; i++) {
    await sleep(500);
    status = await health();
  }
  assert.equal(status, 200, 'workers are back within 10 s of the limit being lifted');
  assert.ok(workers().length >= 1);
});
