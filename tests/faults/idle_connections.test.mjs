// More idle kept-alive FastCGI connections than workers (several nginx in
// front of one program, or a keepalive set too high): libfcgi serves one
// connection per worker, so each idle connection holds a worker.  The
// program closes a connection idle for 2 s, so a new connection is answered
// after a short wait instead of never.
// Speaks FastCGI to the program's socket directly ($PGDATA/../run/partnerships.sock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { socketPath, record, params } from './fastcgi.mjs';

const workers = Number(process.env.PARTNERSHIPS_WORKERS || 4);

// One GET /api/v1/health on conn, with FCGI_KEEP_CONN; resolves with the
// response's stdout once END_REQUEST arrives.
function health(conn) {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let out = '';
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const type = buffer[1];
        const length = buffer.readUInt16BE(4) + buffer[6];
        if (buffer.length < 8 + length) return;
        if (type === 6) out += buffer.subarray(8, 8 + buffer.readUInt16BE(4)).toString();
        buffer = buffer.subarray(8 + length);
        if (type === 3) {
          conn.off('data', onData);
          resolve(out);
          return;
        }
      }
    };
    conn.on('data', onData);
    conn.once('error', reject);
    conn.write(Buffer.concat([
      record(1, Buffer.from([0, 1, 1, 0, 0, 0, 0, 0])),   // BEGIN_REQUEST: responder, keep the connection
      record(4, params({ REQUEST_METHOD: 'GET', DOCUMENT_URI: '/api/v1/health', QUERY_STRING: '' })),
      record(4),
      record(5),
    ]));
  });
}

const open = () => new Promise((resolve, reject) => {
  const conn = connect(socketPath(), () => resolve(conn));
  conn.once('error', reject);
});

test('more idle kept connections than workers: a new connection is still answered', async () => {
  const idle = [];
  for (let i = 0; i < workers; i++) {
    const conn = await open();
    assert.match(await health(conn), /"status":"ok"/, 'each kept connection is served once');
    idle.push(conn);
  }
  const closed = idle.map((conn) => new Promise((resolve) => conn.once('close', () => resolve(Date.now()))));
  const started = Date.now();
  const late = await open();
  const answer = await Promise.race([
    health(late),
    new Promise((resolve) => setTimeout(() => resolve('no answer in 8 s'), 8000)),
  ]);
  const waited = Date.now() - started;
  late.destroy();
  if (!/"status"/.test(answer)) idle.forEach((conn) => conn.destroy());
  assert.match(answer, /"status":"ok"/, `the connection beyond the workers is answered (${answer.slice(0, 40)})`);
  console.log(`# measured: ${workers} idle kept connections, the next one answered after ${waited} ms`);
  const closedAt = await Promise.all(closed);
  console.log(`# measured: the idle ones closed after ${closedAt.map((t) => t - started).join(", ")} ms`);
  assert.ok(closedAt.every((t) => t - started < 8000), 'the program closed the idle connections');
});
