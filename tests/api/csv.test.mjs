// CSV export (RFC 4180, formula cells neutralised) and import (all rows or
// none, row-numbered errors, partners named by company).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, admin, newMember, newPartner, assertError, unique } from './lib.mjs';

let root;
before(async () => { root = await admin(); });

const csv = { 'content-type': 'text/csv' };
const importCsv = (client, path, text) => client.req('POST', path, { raw: text, headers: csv });

// A minimal RFC 4180 reader for the assertions (quotes, commas, CRLF).
function parse(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const awkward = {
  company: `Quote "Co", Ltd ${unique('')}`,
  contactName: 'Zoë Ångström 日本',
  notes: 'line one\nline two, with a comma\r\nand "quotes"',
  commissionRate: '=HYPERLINK("http://evil.example")',
  contactPhone: '+1 555 0100',
};

test('export: RFC 4180 with a header of API names; formula cells neutralised; filters apply', async () => {
  const m = await newMember(root, 'csv-export');
  const p = await newPartner(m, { ...awkward, status: 'active' });
  await newPartner(m, { status: 'prospect', company: unique('Other') });
  const r = await m.get('/partners.csv?status=active');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="partners.csv"/);
  assert.ok(r.text.endsWith('\r\n'));
  const rows = parse(r.text);
  assert.equal(rows.length, 2, 'header and the one active partner');
  const header = rows[0];
  assert.deepEqual(header.slice(0, 4), ['id', 'company', 'contactName', 'contactEmail']);
  const got = Object.fromEntries(header.map((h, i) => [h, rows[1][i]]));
  assert.equal(got.id, p.id.startsWith('-') ? `'${p.id}` : p.id, 'an id starting with "-" (1 in 64) is neutralised too');
  assert.equal(got.company, awkward.company);
  assert.equal(got.contactName, awkward.contactName);
  assert.equal(got.notes, awkward.notes);
  assert.equal(got.commissionRate, `'${awkward.commissionRate}`, 'a formula is kept as text');
  assert.equal(got.contactPhone, `'${awkward.contactPhone}`, 'a leading + is neutralised too (the import takes it off)');
});

test('export: member isolation, sort, limit, and bad parameters', async () => {
  const m = await newMember(root, 'csv-iso');
  const other = await newMember(root, 'csv-iso-other');
  await newPartner(m, { company: 'B csv' });
  await newPartner(m, { company: 'A csv' });
  await newPartner(other, { company: 'Hidden csv' });
  const rows = parse((await m.get('/partners.csv?sort=company')).text);
  assert.deepEqual(rows.slice(1).map((r) => r[1]), ['A csv', 'B csv']);
  assert.equal(parse((await m.get('/partners.csv?limit=1')).text).length, 2);
  const empty = await m.get('/campaigns.csv');
  assert.equal(empty.text, `${(await root.get('/campaigns.csv?limit=1')).text.split('\r\n')[0]}\r\n`,
    'no rows: the header alone');
  assertError(await m.get('/partners.csv?colour=red'), 400, 'bad_request', ['colour']);
  assertError(await new Client().get('/partners.csv'), 401, 'unauthenticated');
  assertError(await m.get('/nothing.csv'), 404, 'not_found');
  assert.equal((await m.get('/performance.csv')).status, 200, 'views export too');
});

test('import: an export imports back unchanged, awkward values and all', async () => {
  const m = await newMember(root, 'csv-roundtrip');
  const p = await newPartner(m, { ...awkward, commissionRate: '=1+2', audienceOverlap: 3, nextReview: '2027-01-15',
                                   lastSync: '2026-03-01T10:00:00Z', agreementUrl: 'https://x.example/a,b' });
  const c = (await m.post('/campaigns', { partnerId: p.id, name: '@launch, "big"', type: 'event', budget: 12.5,
                                          deliverables: ['deck, v2', 'say "hi"', '=cmd'] })).json;
  const partnersCsv = (await m.get('/partners.csv')).text;
  const campaignsCsv = (await m.get('/campaigns.csv')).text;
  assert.equal((await m.del(`/partners/${p.id}`)).status, 204);

  const r = await importCsv(m, '/partners/import', partnersCsv);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { created: 1 });
  const [copy] = (await m.get('/partners')).json.items;
  assert.notEqual(copy.id, p.id, 'a new record, with its own id');
  for (const k of ['company', 'contactName', 'notes', 'commissionRate', 'contactPhone', 'audienceOverlap', 'nextReview',
    'agreementUrl', 'type', 'status', 'tier']) {
    assert.deepEqual(copy[k], p[k], k);
  }
  assert.equal(Date.parse(copy.lastSync), Date.parse(p.lastSync));

  // The campaigns name their partner by the old id: replace it by the company
  // (the whole cell: an id that starts with "-" is exported after an apostrophe).
  const byCompany = campaignsCsv.replace(new RegExp(`'*${p.id}`), () => `"${p.company.replace(/"/g, '""')}"`);
  const rc = await importCsv(m, '/campaigns/import', byCompany);
  assert.equal(rc.status, 200, rc.text);
  const [campaign] = (await m.get(`/campaigns?partnerId=${copy.id}`)).json.items;
  assert.equal(campaign.name, c.name);
  assert.deepEqual(campaign.deliverables, c.deliverables);
  assert.equal(campaign.budget, 12.5);
});

test('import: one bad row changes nothing, and every bad row is named', async () => {
  const m = await newMember(root, 'csv-bad');
  const p = await newPartner(m, { company: 'Importer Co' });
  const before = (await m.get('/campaigns')).json.total;
  const text = 'partnerId,name,type,budget\r\n' +
    `${p.id},good one,webinar,10\r\n` +
    'Importer Co,bad type,party,5\r\n' +
    'importer co,good two,event,\r\n' +
    'Nobody Inc,bad partner,event,1\r\n' +
    `${p.id},bad budget,event,ten\r\n`;
  const r = await importCsv(m, '/campaigns/import', text);
  assertError(r, 422, 'validation');
  assert.deepEqual(r.json.error.rows.map((row) => [row.row, Object.keys(row.fields)]),
    [[3, ['type']], [5, ['partnerId']], [6, ['budget']]]);
  assert.equal((await m.get('/campaigns')).json.total, before, 'nothing was created');
  const fixed = text.split('\r\n').filter((line) => !line.includes('bad')).join('\r\n');
  assert.deepEqual((await importCsv(m, '/campaigns/import', fixed)).json, { created: 2 });
});

test('import: refuses what is not a CSV of this collection', async () => {
  const m = await newMember(root, 'csv-refuse');
  const other = await newMember(root, 'csv-refuse-other');
  await newPartner(other, { company: 'Not Yours Co' });
  assertError(await importCsv(m, '/campaigns/import', 'partnerId,name,type\nNot Yours Co,x,event\n'), 422, 'validation');
  assertError(await importCsv(m, '/partners/import', 'company,colour\nx,red\n'), 400, 'bad_request', ['colour']);
  assertError(await importCsv(m, '/partners/import', 'company,company\nx,y\n'), 400, 'bad_request', ['company']);
  assertError(await importCsv(m, '/partners/import', 'company\n"unclosed\n'), 400, 'bad_request');
  assertError(await importCsv(m, '/partners/import', 'company\n'), 400, 'bad_request');
  assertError(await importCsv(m, '/partners/import', ''), 400, 'bad_request');
  assertError(await m.post('/partners/import', { company: 'json' }), 415, 'unsupported_media_type');
  assertError(await importCsv(m, '/partners/import', `company\n${'x'.repeat(1024 * 1024)}\n`), 413, 'too_large');
  assertError(await m.req('POST', '/partners/import', { raw: 'company\nx\n', headers: csv, csrf: false }), 403, 'forbidden');
  assertError(await new Client().req('POST', '/partners/import', { raw: 'company\nx\n', headers: csv }), 401,
    'unauthenticated');
  assertError(await importCsv(m, '/performance/import', 'company\nx\n'), 404, 'not_found');
});
