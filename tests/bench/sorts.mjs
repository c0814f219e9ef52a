// Every sortable column of every list, a page of 50 sorted by it, as a
// member (a tenth of the company) and as an admin (all of it): wrk through
// nginx, 16 connections, SECONDS_PER_RUN (2) each.  Prints one line per
// column, the first line of each list the default sort for comparison.
// What an index serves in order answers at about the rate of the default;
// a column sorted from the reader's rows falls with their number.
//
// Environment: BASE (a stack seeded by tests/bench/seed.sql), PGHOST, PGBIN;
// LISTS (a regular expression over the lists' names).  tests/bench/run.sh
// runs it instead of bench.mjs with SORTS=1.
import { execFileSync, spawnSync } from 'node:child_process';

const base = `${process.env.BASE}/api/v1/`;
const seconds = Number(process.env.SECONDS_PER_RUN || 2);
const member = 'bench-token-1', admin = 'bench-token-10';
const psql = (sql) => execFileSync(`${process.env.PGBIN}/psql`, ['-X', '-qAt', '-h', process.env.PGHOST, '-U', 'postgres',
  '-d', 'partnerships', '-c', sql]).toString().trim();

function wrk(token, path) {
  const r = spawnSync('wrk', ['-t', '2', '-c', '16', '-d', `${seconds}s`, '-H', `Authorization: Bearer ${token}`,
    base + path], { encoding: 'utf8' });
  const rate = r.stdout.match(/Requests\/sec:\s+([\d.]+)/);
  const non2xx = r.stdout.match(/Non-2xx or 3xx responses: (\d+)/);
  return { rate: rate ? Number(rate[1]) : 0, non2xx: non2xx ? Number(non2xx[1]) : 0 };
}
async function total(token, collection) {
  // Again on a closed connection: nginx ends an idle keep-alive while wrk runs.
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await fetch(`${base}${collection}?limit=1&fields=id`, { headers: { Authorization: `Bearer ${token}` } });
      return r.ok ? (await r.json()).total : NaN;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

const lists = psql(`select c.name || ' ' || c.default_sort || ' ' || string_agg(f.name, ',' order by f.position)
                      from public.api_collections c join public.api_fields f on f.collection = c.name and f.sortable
                     where c.name <> 'views' group by c.name, c.default_sort, c.position order by c.position`)
  .split('\n').map((l) => l.split(' ')).filter(([name]) => !process.env.LISTS || new RegExp(process.env.LISTS).test(name));
let bad = 0;
console.log(`${'list'.padEnd(18)} ${'sort'.padEnd(22)} member req/s  admin req/s`);
for (const [name, defaultSort, fields] of lists) {
  const rows = [await total(member, name), await total(admin, name)];
  console.log(`${name} (a member's ${rows[0]} rows, an admin's ${rows[1]})`);
  for (const sort of [defaultSort + ' (default)', ...fields.split(',').filter((f) => f !== defaultSort.replace(/^-/, ''))]) {
    const key = sort.split(' ')[0];
    const m = wrk(member, `${name}?sort=${key}&limit=50`), a = wrk(admin, `${name}?sort=${key}&limit=50`);
    bad += m.non2xx + a.non2xx;
    console.log(`${''.padEnd(18)} ${sort.padEnd(22)} ${m.rate.toFixed(0).padStart(11)}  ${a.rate.toFixed(0).padStart(11)}` +
      `${m.non2xx + a.non2xx ? `  non-2xx ${m.non2xx + a.non2xx}` : ''}`);
  }
}
process.exit(bad ? 1 : 0);
