// The peer (tests/bench/peer.mjs) answers as the program does: the same
// records with the same fields and values, the same totals, on a sample of
// every route bench.mjs compares.  Timestamps are compared as instants (the
// program writes microseconds and +00:00, Node milliseconds and Z).
// Exits 1 with the differences; bench.mjs runs it before measuring.
//   BASE=http://127.0.0.1:8089 PEER=http://127.0.0.1:8099 TOKEN=bench-token-1 node tests/bench/agree.mjs
import assert from 'node:assert/strict';

const base = process.env.BASE;
const peer = process.env.PEER;   /* both without /api/v1 */
const headers = { Authorization: `Bearer ${process.env.TOKEN || 'bench-token-1'}`, 'Content-Type': 'application/json' };

const INSTANT = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/;
function normal(value) {
  if (Array.isArray(value)) return value.map(normal);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  if (typeof value === 'string' && INSTANT.test(value)) return Math.floor(Date.parse(value));
  return value;
}

async function get(origin, path, init = {}) {
  const r = await fetch(`${origin}/api/v1/${path}`, { headers, ...init });
  const text = await r.text();
  assert.equal(r.status, 200, `${origin} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return { body: JSON.parse(text), etag: r.headers.get('etag') };
}

export async function agree() {
  const first = (await get(base, 'partners?sort=company&limit=1')).body.items[0];
  const paths = [
    `partners/${first.id}`,
    'partners?sort=company&limit=50',
    'partners?sort=company&limit=50&offset=50',
    'partners?status=active&sort=-revenueAttributed&limit=50',
    'partners?q=consulting',
    'overview',
  ];
  for (const path of paths) {
    const [ours, theirs] = await Promise.all([get(base, path), get(peer, path)]);
    assert.deepEqual(normal(theirs.body), normal(ours.body), `the peer answers ${path} as the program does`);
  }
  const [board, peerBoard] = await Promise.all([
    get(base, 'boards/partners?fields=company,type,revenueAttributed,version'), get(peer, 'boards/partners')]);
  assert.deepEqual(normal(peerBoard.body), normal(board.body), 'the board: the same columns, counts, sums and cards');
  // A PATCH each, the second from the version the first left: the same record.
  const one = (await get(base, `partners/${first.id}`)).body;
  const mine = await fetch(`${base}/api/v1/partners/${first.id}`, { method: 'PATCH', headers: { ...headers, 'If-Match': `"${one.version}"` },
    body: JSON.stringify({ notes: 'agreed' }) }).then((r) => r.json());
  const theirs = await fetch(`${peer}/api/v1/partners/${first.id}`, { method: 'PATCH', headers: { ...headers, 'If-Match': `"${mine.version}"` },
    body: JSON.stringify({ notes: 'agreed again' }) }).then((r) => r.json());
  assert.equal(theirs.version, mine.version + 1);
  const after = (await get(base, `partners/${first.id}`)).body;
  assert.deepEqual(normal(theirs), normal(after), 'a PATCH by the peer answers the record the program then reads');
  const stale = await fetch(`${peer}/api/v1/partners/${first.id}`, { method: 'PATCH', headers: { ...headers, 'If-Match': `"${mine.version}"` },
    body: JSON.stringify({ notes: 'stale' }) });
  assert.equal(stale.status, 412, 'a stale If-Match is refused by the peer too');
  return paths.length + 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`ok - the peer agrees with the program on ${await agree()} answers`);
  } catch (e) {
    console.log(`not ok - the peer disagrees: ${e.message.split('\n').slice(0, 30).join('\n')}`);
    process.exit(1);
  }
}
