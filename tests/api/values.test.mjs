// Values at the edges of what the database stores, and text that shows
// nothing: each refused with a 4xx that names its field, never a 500, and
// the same over JSON and CSV.  README "Values" says what is decided.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newPartner, partnerBody, assertError, unique } from './lib.mjs';

let root;
before(async () => { root = await admin(); });

const importCsv = (client, path, text) => client.req('POST', path, { raw: text, headers: { 'content-type': 'text/csv' } });

test('a time zone offset past what PostgreSQL stores (15:59) is a 422 naming the field, in JSON and CSV alike', async () => {
  for (const lastSync of ['2026-06-01T12:00:00+16:00', '2026-06-01T12:00:00-20:00', '2026-06-01T12:00:00+23:59']) {
    assertError(await root.post('/partners', partnerBody({ lastSync })), 422, 'validation', ['lastSync']);
    const p = await newPartner(root);
    assertError(await root.patch(`/partners/${p.id}`, { lastSync }), 422, 'validation', ['lastSync']);
    const r = await importCsv(root, '/partners/import',
      `company,contactName,contactEmail,type,lastSync\r\n${unique('Tz')},Pat,pat@x.example,referral,${lastSync}\r\n`);
    assert.equal(r.status, 422, r.text);
    assert.ok(r.json.error.rows[0].fields.lastSync, r.text);
  }
  const p = await newPartner(root, { lastSync: '2026-06-01T12:00:00+15:59' });
  assert.equal(new Date(p.lastSync).toISOString(), '2026-05-31T20:01:00.000Z');
});

test('a write that would carry a derived total past its limit is a 422 naming the fields sent', async () => {
  const p = await newPartner(root);
  const referral = { partnerId: p.id, direction: 'inbound', leadName: 'Lead', status: 'converted', dealValue: 999999999999.99 };
  assert.equal((await root.post('/referrals', referral)).status, 201);
  // The partner's revenue attributed (the sum) would be 1,999,999,999,999.98.
  assertError(await root.post('/referrals', referral), 422, 'validation', ['dealValue']);
  // Made converted by its status alone: the body's fields are named.
  const open = await root.post('/referrals', { ...referral, status: 'qualified' });
  assert.equal(open.status, 201, open.text);
  assertError(await root.patch(`/referrals/${open.json.id}`, { status: 'converted' }), 422, 'validation', ['status']);
  // A number past its own column's limit.
  assertError(await root.post('/referrals', { ...referral, dealValue: 5e12 }), 422, 'validation', ['dealValue']);
});

test('text with nothing visible, or with control characters, is refused naming the field', async () => {
  for (const company of ['\u200b\u200b\u200b', '\u202e\u2066', '\u0007', 'Acme\u0007Bell', 'Acme\u0085']) {
    assertError(await root.post('/partners', partnerBody({ company })), 422, 'validation', ['company']);
  }
  const p = await newPartner(root);
  assertError(await root.patch(`/partners/${p.id}`, { notes: '\u200d' }), 422, 'validation', ['notes']);
  assertError(await root.post('/users', { email: `${unique('u')}@api.test`, name: '\u200b', password: 'member-password-1' }),
    422, 'validation', ['name']);
  // Right-to-left text, with its marks, and line breaks in notes are text.
  const rtl = await newPartner(root, { company: `\u05e9\u05dc\u05d5\u05dd \u200f${unique('')}`, notes: 'one\ntwo\tthree' });
  assert.equal(rtl.notes, 'one\ntwo\tthree');
});

test('an enumeration value with spaces around it is taken trimmed, as every string is', async () => {
  const p = await newPartner(root, { status: ' active ', type: 'referral ' });
  assert.equal(p.status, 'active');
  assert.equal(p.type, 'referral');
});

test('a body labelled with a charset other than UTF-8 is 415; UTF-8 in any spelling is read', async () => {
  const body = JSON.stringify(partnerBody());
  for (const type of ['application/json; charset=utf-16', 'application/json; charset="ISO-8859-1"']) {
    assertError(await root.req('POST', '/partners', { raw: body, headers: { 'content-type': type } }), 415,
      'unsupported_media_type');
  }
  assertError(await root.req('POST', '/partners/import', { raw: 'company\r\nX\r\n',
    headers: { 'content-type': 'text/csv; charset=windows-1252' } }), 415, 'unsupported_media_type');
  assert.equal((await root.req('POST', '/partners', { raw: JSON.stringify(partnerBody()),
    headers: { 'content-type': 'application/json; charset="UTF-8"' } })).status, 201);
});

test('search is by text, not by how its accents were encoded (NFC and NFD find each other)', async () => {
  const tag = unique('').slice(1);
  const composed = await newPartner(root, { company: `Caf\u00e9 ${tag}` });
  const decomposed = await newPartner(root, { company: `Cre\u0300me ${tag}` });
  assert.equal(decomposed.company, `Cr\u00e8me ${tag}`, 'stored composed');
  const byNfd = await root.get(`/partners?q=${encodeURIComponent(`cafe\u0301 ${tag}`)}`);
  assert.deepEqual(byNfd.json.items.map((p) => p.id), [composed.id]);
  const byNfc = await root.get(`/partners?q=${encodeURIComponent(`cr\u00e8me ${tag}`)}`);
  assert.deepEqual(byNfc.json.items.map((p) => p.id), [decomposed.id]);
});
