// The service a team would otherwise write by hand, for `make bench` to
// measure Partnerships against: fastify and pg, two processes in a cluster,
// a pool of four connections each, named prepared statements, ownership in
// the WHERE clause (it connects as a role row-level security does not
// bind), a list's page and its count sent at once, rows turned into JSON in
// Node.  Written plainly, as its authors would, with no tuning either way.
// It serves the routes bench.mjs compares, with the same fields and totals
// as the program's answers (bench.mjs checks a sample before measuring):
//
//   GET /api/v1/partners/:id         GET /api/v1/partners?sort=&status=&q=&limit=&offset=
//   GET /api/v1/boards/partners      (the cards: id, company, type, revenueAttributed, version)
//   GET /api/v1/overview             PATCH /api/v1/partners/:id (If-Match)
//
// Environment: PEER_PORT (8099), PGHOST (the cluster's socket directory),
// PGUSER (postgres), PEER_WORKERS (2).
import cluster from 'node:cluster';
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.env.PEER_PORT || 8099);
const workers = Number(process.env.PEER_WORKERS || 2);

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => { if (code) process.exit(code); });
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  await serve();
}

async function serve() {
  pg.types.setTypeParser(1700, parseFloat);        // numeric: a number, not a string
  pg.types.setTypeParser(1082, (value) => value);  // date: as stored, not a local midnight
  const pool = new pg.Pool({ host: process.env.PGHOST, user: process.env.PGUSER || 'postgres', database: 'partnerships', max: 4 });
  const app = Fastify({ logger: false });

  const COLUMNS = `id, company, contact_name, contact_email, contact_phone, type, status, tier, owner_user_id,
    agreement_url, commission_rate, integration_status, last_sync, next_review, notes, audience_overlap,
    strategic_value, execution_effort, score, referrals_made, referrals_received, conversions, commission_paid,
    shared_customers, revenue_attributed, created_at, updated_at, version, deleted_at`;
  const STATUSES = ['prospect', 'negotiating', 'onboarding', 'active', 'expanding', 'churned'];
  const SORTS = { company: 'company', revenueAttributed: 'revenue_attributed', status: 'status', nextReview: 'next_review', updatedAt: 'updated_at' };

  const engagement = (score) => (score === null ? null : score >= 8 ? 'invest' : score >= 5 ? 'active' : score >= 2 ? 'lightweight' : 'deprioritize');
  const today = () => new Date().toISOString().slice(0, 10);
  function partner(r) {
    return {
      id: r.id, company: r.company, contactName: r.contact_name, contactEmail: r.contact_email, contactPhone: r.contact_phone,
      type: r.type, status: r.status, tier: r.tier, ownerUserId: r.owner_user_id, agreementUrl: r.agreement_url,
      commissionRate: r.commission_rate, integrationStatus: r.integration_status, lastSync: r.last_sync, nextReview: r.next_review,
      notes: r.notes, audienceOverlap: r.audience_overlap, strategicValue: r.strategic_value, executionEffort: r.execution_effort,
      score: r.score, engagement: engagement(r.score), referralsMade: r.referrals_made, referralsReceived: r.referrals_received,
      referralBalance: r.referrals_made - r.referrals_received, oneSided: r.referrals_received >= 3 && r.referrals_made === 0,
      conversions: r.conversions, commissionPaid: r.commission_paid, sharedCustomers: r.shared_customers,
      revenueAttributed: r.revenue_attributed, reviewDue: r.next_review !== null && r.next_review <= today(),
      createdAt: r.created_at, updatedAt: r.updated_at, version: r.version, deletedAt: r.deleted_at,
    };
  }

  // The user behind the bearer token; null for none.
  async function user(request) {
    const m = /^Bearer (.+)$/.exec(request.headers.authorization || '');
    if (!m) return null;
    const hash = createHash('sha256').update(m[1]).digest();
    const r = await pool.query({ name: 'token', values: [hash], text:
      'select u.id, u.role from api_tokens t join users u on u.id = t.user_id where t.token_hash = $1 and not u.disabled' });
    return r.rows[0] ? { id: r.rows[0].id, admin: r.rows[0].role === 'admin' } : null;
  }
  app.addHook('preHandler', async (request, reply) => {
    request.user = await user(request);
    if (!request.user) return reply.code(401).send({ error: { code: 'unauthenticated', message: 'sign in' } });
  });
  const owner = (request) => (request.user.admin ? null : request.user.id);

  app.get('/api/v1/partners/:id', async (request, reply) => {
    const r = await pool.query({ name: 'partner', values: [request.params.id, owner(request)], text:
      `select ${COLUMNS} from partners where id = $1 and ($2::text is null or owner_user_id = $2)` });
    if (!r.rows[0]) return reply.code(404).send({ error: { code: 'not_found', message: 'no such record' } });
    reply.header('ETag', `"${r.rows[0].version}"`);
    return partner(r.rows[0]);
  });

  app.get('/api/v1/partners', async (request, reply) => {
    const { sort = 'company', status, q } = request.query;
    const limit = Math.min(Number(request.query.limit ?? 50), 500);
    const offset = Number(request.query.offset ?? 0);
    const descending = sort.startsWith('-');
    const column = SORTS[descending ? sort.slice(1) : sort];
    if (!column || !(limit >= 1) || !(offset >= 0)) return reply.code(400).send({ error: { code: 'bad_request', message: 'bad parameter' } });
    const values = [owner(request)];
    let where = 'deleted_at is null and ($1::text is null or owner_user_id = $1)';
    if (status) { values.push(status.split(',')); where += ` and status = any($${values.length}::partner_status[])`; }
    if (q) { values.push(q); where += ` and search_text like '%' || lower($${values.length}) || '%'`; }
    const key = `${column}_${descending}_${Boolean(status)}_${Boolean(q)}`;
    const [page, count] = await Promise.all([
      pool.query({ name: `list_${key}`, values: [...values, limit, offset], text:
        `select ${COLUMNS} from partners where ${where} order by ${column} ${descending ? 'desc nulls last' : 'asc'}, id
         limit $${values.length + 1} offset $${values.length + 2}` }),
      pool.query({ name: `count_${key}`, values, text: `select count(*)::integer as n from partners where ${where}` }),
    ]);
    return { items: page.rows.map(partner), total: count.rows[0].n, limit, offset };
  });

  app.get('/api/v1/boards/partners', async (request) => {
    const values = [owner(request)];
    const [totals, ...columns] = await Promise.all([
      pool.query({ name: 'board_totals', values, text: `select status, count(*)::integer as n, coalesce(sum(revenue_attributed), 0) as revenue
        from partners where deleted_at is null and ($1::text is null or owner_user_id = $1) group by status` }),
      ...STATUSES.map((status) => pool.query({ name: `board_${status}`, values: [...values, status], text:
        `select id, company, type, revenue_attributed, version from partners
          where deleted_at is null and ($1::text is null or owner_user_id = $1) and status = $2
          order by company, id limit 50` })),
    ]);
    const byStatus = new Map(totals.rows.map((r) => [r.status, r]));
    return {
      columns: STATUSES.map((status, i) => ({
        status, count: byStatus.get(status)?.n ?? 0, revenue: byStatus.get(status)?.revenue ?? 0,
        items: columns[i].rows.map((r) => ({ id: r.id, company: r.company, type: r.type, revenueAttributed: r.revenue_attributed, version: r.version })),
      })),
    };
  });

  app.get('/api/v1/overview', async (request) => {
    const values = [owner(request)];
    const [partners, intros] = await Promise.all([
      pool.query({ name: 'overview_partners', values, text: `select status, count(*)::integer as n, coalesce(sum(revenue_attributed), 0) as revenue,
          count(*) filter (where next_review <= current_date)::integer as due
        from partners where deleted_at is null and ($1::text is null or owner_user_id = $1) group by status` }),
      pool.query({ name: 'overview_intros', values, text: `select count(*)::integer as n from referrals
        where deleted_at is null and direction = 'outbound' and ($1::text is null or owner_user_id = $1)` }),
    ]);
    const by = new Map(partners.rows.map((r) => [r.status, r]));
    const sum = (f, pick = () => true) => partners.rows.filter(pick).reduce((a, r) => a + r[f], 0);
    return {
      activePartners: sum('n', (r) => r.status === 'active' || r.status === 'expanding'),
      revenueAttributed: sum('revenue'), introsMade: intros.rows[0].n, reviewsDue: sum('due'), partners: sum('n'),
      partnersByStatus: Object.fromEntries(STATUSES.map((s) => [s, by.get(s)?.n ?? 0])),
    };
  });

  const WRITABLE = { notes: 'notes', status: 'status', tier: 'tier', nextReview: 'next_review', company: 'company' };
  app.patch('/api/v1/partners/:id', async (request, reply) => {
    const version = Number(/^"(\d+)"$/.exec(request.headers['if-match'] || '')?.[1]);
    const set = Object.entries(request.body || {}).filter(([k]) => WRITABLE[k]);
    if (!version || !set.length) return reply.code(400).send({ error: { code: 'bad_request', message: 'If-Match and a field' } });
    const client = await pool.connect();
    try {
      // As the program does: the acting user is set for the triggers (oplog).
      await client.query('begin');
      await client.query({ name: 'acting', text: "select set_config('partnerships.user_id', $1, true)", values: [request.user.id] });
      const r = await client.query({ name: `patch_${set.map(([k]) => k).join('_')}`,
        values: [request.params.id, owner(request), version, ...set.map(([, v]) => v)], text:
        `update partners set ${set.map(([k], i) => `${WRITABLE[k]} = $${i + 4}`).join(', ')}
          where id = $1 and ($2::text is null or owner_user_id = $2) and version = $3 and deleted_at is null returning ${COLUMNS}` });
      await client.query('commit');
      if (!r.rows[0]) return reply.code(412).send({ error: { code: 'precondition_failed', message: 'changed by someone else' } });
      reply.header('ETag', `"${r.rows[0].version}"`);
      return partner(r.rows[0]);
    } catch (e) {
      await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
  });

  await app.listen({ port, host: '127.0.0.1' });
}
