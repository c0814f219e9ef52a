// Stored XSS, everywhere a record's text is shown: one record of every
// collection with every free-text field (as the OpenAPI document lists them)
// holding a script payload, edited once so the history shows payloads as old
// and new values, one in the trash, a checklist item, and a user whose name
// is a payload.  Then every page, every record's panel and history, the
// intro composer and (as an admin) the users page, in Chromium.  After each
// the DOM must hold no element or attribute a payload would have made (the
// CSP would stop an inline handler from running, so a dialog is not enough
// to look for), the payload must be on the page as text, and no alert() may
// have been called.  A field the API refuses every payload for (a validated
// email, URL, number) is named in the diagnostics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, signIn as apiSignIn, unique, BASE, MEMBER_PASSWORD } from '../api/lib.mjs';
import { ORIGIN, PAGES, SHOTS, launch, newPage, signIn } from './lib.mjs';

const COLLECTIONS = ['partners', 'campaigns', 'referrals', 'integrations', 'integration-ideas', 'shared-customers', 'checklists'];
const REFERENCES = new Set(['partnerId', 'campaignId', 'integrationId', 'ownerUserId', 'templateKey']);
const SHAPES = [
  (tag) => `<img src=x onerror=alert("${tag}")>`,
  (tag) => `"><svg onload=alert("${tag}")>`,
  (tag) => `<script>alert("${tag}")</script>`,
  (tag) => `' onmouseover='alert("${tag}")' x='`,
  (tag) => `<a href="javascript:alert('${tag}')">${tag}</a>`,
];
// For fields with a shape to keep: still hostile, but valid.
const FALLBACKS = [
  (tag) => `<svg/onload=alert('${tag}')>@x.example`,
  (tag) => `https://x.example/"><img/src=x/onerror=alert('${tag}')>`,
  (tag) => `javascript:alert('${tag}')`,
];

let browser;
let adminApi;
let member;
const problems = [];
const records = {};   // collection -> {id, main (a payload shown in its table row)}
const refused = [];   // fields no payload got into

// Elements and attributes a payload would have made.
const injected = (page) => page.evaluate(() => [...document.querySelectorAll(
  'img, iframe, object, embed, script:not([src]), svg[onload], [onerror], [onload], [onmouseover], a[href^="javascript:" i]')]
  .map((e) => e.outerHTML.slice(0, 120)));

async function inert(page, where) {
  assert.deepEqual(await injected(page), [], `${where}: no element or handler from a payload`);
  assert.deepEqual(problems.filter((p) => p.startsWith('dialog') || p.startsWith('pageerror')), [], `${where}: no alert, no script error`);
}

function writableText(schema) {
  return Object.entries(schema.properties)
    .filter(([name, p]) => (p.type === 'string') && !p.enum && !p.readOnly && !p.format && !REFERENCES.has(name))
    .map(([name]) => name);
}

async function create(api, collection, schema, base) {
  const fields = writableText(schema);
  const body = { ...base };
  for (const [name, p] of Object.entries(schema.properties)) {
    if (schema.required?.includes(name) && p.enum && body[name] === undefined) body[name] = p.enum[0];
  }
  fields.forEach((f, i) => { body[f] = SHAPES[i % SHAPES.length](`${collection}.${f}`); });
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await api.post(`/${collection}`, body);
    if (r.status === 201) return { record: r.json, body };
    assert.equal(r.status, 422, `${collection}: ${r.text}`);
    for (const f of Object.keys(r.json.error.fields ?? {})) {
      const tried = FALLBACKS.findIndex((fb) => fb(`${collection}.${f}`) === body[f]);
      if (tried + 1 < FALLBACKS.length) body[f] = FALLBACKS[tried + 1](`${collection}.${f}`);
      else {
        refused.push(`${collection}.${f} (${r.json.error.fields[f]})`);
        delete body[f];
      }
    }
  }
  assert.fail(`${collection}: no payload body was accepted`);
}

describe('stored XSS in every text field renders as text', () => {
  before(async () => {
    browser = await launch();
    adminApi = await admin();
    const email = `${unique('xss')}@api.test`;
    const made = await adminApi.post('/users', { email, name: '<img src=x onerror=alert("users.name")>', role: 'member', password: MEMBER_PASSWORD });
    assert.equal(made.status, 201, made.text);
    member = await apiSignIn(email, MEMBER_PASSWORD);
    member.email = email;
    const doc = (await (await fetch(`${BASE}/openapi.json`)).json());
    const schemaOf = (collection) => {
      const ref = doc.paths[`/${collection}`].post.responses['201'].content['application/json'].schema.$ref;
      return doc.components.schemas[ref.split('/').pop()];
    };
    let partnerId;
    for (const collection of COLLECTIONS) {
      // A referral partner, and an outbound referral: the page's agreement
      // and intro request are filled from them.
      const base = collection === 'partners' ? { nextReview: '2020-01-01', status: 'active', type: 'referral' }
        : collection === 'referrals' ? { partnerId, direction: 'outbound' } : { partnerId };
      if (collection === 'checklists') {
        base.templateKey = 'new_partner';   // the onboarding page shows it
        base.items = [{ text: '<img src=x onerror=alert("checklists.item")>', done: false }, { text: '"><svg onload=alert(9)>', done: true }];
      }
      const { record, body } = await create(member, collection, schemaOf(collection), base);
      if (collection === 'partners') partnerId = record.id;
      const main = body.company ?? body.name ?? body.leadName ?? body.description ?? body.customer ?? body.title;
      records[collection] = { id: record.id, main };
      // An edit: the history then shows a payload turned into another.
      const r = await member.patch(`/${collection}/${record.id}`, { notes: `<img src=x onerror=alert("${collection}.notes2")>` },
        { headers: { 'If-Match': `"${record.version}"` } });
      assert.equal(r.status, 200, r.text);
    }
    // One in the trash.
    const trashed = await member.post('/partners', { company: '<img src=x onerror=alert("trash")>', contactName: 'T', contactEmail: 't@x.example', type: 'referral' });
    assert.equal((await member.del(`/partners/${trashed.json.id}`)).status, 204);
  });
  after(async () => {
    await browser?.close();
  });

  test('every page, record panel and history, as the member', async (t) => {
    t.diagnostic(`measured: fields refusing every payload (validated): ${refused.join(', ') || 'none'}`);
    const page = await newPage(browser, problems);
    await signIn(page, member.email);
    await page.locator('.who', { hasText: 'onerror' }).waitFor();
    let panels = 0;
    const opened = new Set();
    for (const key of PAGES) {
      await page.goto(`${ORIGIN}/#/${key}`);
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], tr.loading'));
      await inert(page, key);
      for (const collection of COLLECTIONS) {
        const tables = page.locator(`.data-table[data-collection="${collection}"]`);
        if (key === 'trash' || await tables.count() === 0) continue;
        // A page's tables may be filtered (e.g. referral partners only, or
        // inbound and outbound referrals apart).
        const row = tables.locator('tbody tr', { hasText: records[collection].main }).first();
        if (await row.count() === 0) continue;
        assert.equal(await row.locator('img, svg[onload], script').count(), 0);
        await row.click();
        const panel = page.locator('dialog.panel');
        await panel.waitFor();
        await inert(page, `${key}: the ${collection} panel`);
        await panel.getByRole('tab', { name: 'History' }).click();
        await panel.locator('.history-list li', { hasText: `${collection}.notes2` }).first().waitFor();
        assert.match(await panel.locator('.history-list').textContent(), /onerror=alert/, 'the payloads are shown as text');
        await inert(page, `${key}: the ${collection} history`);
        await page.keyboard.press('Escape');
        await panel.waitFor({ state: 'detached' });
        opened.add(collection);
        panels++;
      }
      if (key === 'trash') await page.locator('.data-table tbody tr', { hasText: 'alert("trash")' }).waitFor();
      if (key === 'onboarding') {
        // Checklists are cards, not table rows: title and items as text.
        const cardOf = page.locator('.checklist-card', { hasText: records.checklists.main });
        await cardOf.waitFor();
        await cardOf.locator('.checklist li', { hasText: 'alert("checklists.item")' }).waitFor();
        await inert(page, 'the checklist card');
        opened.add('checklists');
      }
      if (key === 'referrals') {
        await page.getByLabel('Outbound referral', { exact: true }).selectOption(records.referrals.id);
        await page.getByLabel('Referral partner', { exact: true }).selectOption(records.partners.id);
        await page.waitForFunction(() => [...document.querySelectorAll('.composer textarea')].every((t) => t.value.includes('alert')));
        await inert(page, 'the agreement and intro composers');
      }
      await page.screenshot({ path: new URL(`xss-${key}.png`, SHOTS).pathname, fullPage: true });
    }
    t.diagnostic(`measured: ${PAGES.length} pages and ${panels} record panels with history checked`);
    assert.deepEqual([...opened].sort(), [...COLLECTIONS].sort(), 'every collection\'s record was opened');
    assert.match(await page.locator('body').innerText(), /alert\(/, 'payloads are on the page as text');
    await page.context().close();
  });

  test('the users page and every page, as an admin', async () => {
    const page = await newPage(browser, problems);
    await signIn(page, process.env.ADMIN_EMAIL ?? 'admin@test.example', process.env.ADMIN_PASSWORD ?? 'admin-test-password');
    for (const key of [...PAGES, 'users']) {
      await page.goto(`${ORIGIN}/#/${key}`);
      await page.waitForLoadState('networkidle');
      await inert(page, `admin ${key}`);
    }
    await page.locator('main', { hasText: 'alert("users.name")' }).waitFor();
    await page.context().close();
  });

  test('every page of the partner portal, as the partner\'s contact (named with a payload too)', async () => {
    const invite = (await member.post(`/partners/${records.partners.id}/invites`,
      { email: `${unique('xss-contact')}@api.test`, name: '<img src=x onerror=alert("contact.name")>' })).json;
    // A lead the contact registers, with payloads, and an intro waiting for them.
    const page = await newPage(browser, problems, { width: 390, height: 844 });
    await page.goto(invite.url);
    await page.getByLabel('Choose a password').fill('portal-password-1');
    await page.getByLabel('Type it again').fill('portal-password-1');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.goto(`${ORIGIN}/#/referrals`);
    await page.getByLabel('Lead name').fill('<svg onload=alert("portal.leadName")>');
    await page.getByLabel('Company').fill(`"><img src=x onerror=alert("portal.company")> ${unique('c')}`);
    await page.getByLabel('Message for your partner manager').fill('<script>alert("portal.message")</script>');
    await page.getByRole('button', { name: 'Register the lead' }).click();
    await page.locator('table tbody tr', { hasText: 'alert("portal.leadName")' }).waitFor();
    for (const key of ['home', 'referrals', 'intros', 'campaigns', 'customers']) {
      await page.goto(`${ORIGIN}/#/${key}`);
      await page.waitForLoadState('networkidle');
      await inert(page, `portal ${key}`);
      await page.screenshot({ path: new URL(`xss-portal-${key}.png`, SHOTS).pathname, fullPage: true });
    }
    assert.match(await page.locator('body').innerText(), /alert\(/, 'payloads are on the page as text');
    await page.context().close();
  });
});
