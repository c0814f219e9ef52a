// Editing without losing a word, in headless Chromium: an impossible date is
// an error at its field, never an empty value sent; three wrong fields are
// shown at once; a table exports what it shows; rows changed in bulk, with Undo;
// a cell edited in place, with a conflict; a checklist renamed, opened, deleted;
// a file exported and imported back, and one with bad rows; the account page changes
// the password and makes and revokes API tokens; owners are told apart by email and a disabled user is
// no new owner; disabling a user asks first; a user invited by a link sets
// their password with it, once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { admin, newMember, newPartner, signIn as apiSignIn, unique, MEMBER_PASSWORD } from '../api/lib.mjs';
import { ORIGIN, SHOTS, launch, newPage as openPage, pickPartner, signIn } from './lib.mjs';

let browser;
let root;
let ann;
const problems = [];
const newPage = (viewport) => openPage(browser, problems, viewport);

describe('editing', () => {
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launch();
    root = await admin();
    ann = await newMember(root, 'Editor');
  });
  after(async () => { await browser?.close(); });

  test('an impossible date is an error at its field, and nothing is sent', async () => {
    const partner = await newPartner(ann);
    const page = await newPage();
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/campaigns')) posts.push(r.url()); });
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/co-marketing`);
    await page.getByRole('button', { name: 'New campaign' }).click();
    const panel = page.locator('dialog.panel');
    await panel.locator('[name="name"]').fill('Impossible');
    await pickPartner(panel.locator('[name="partnerId"]'), partner.company);
    await panel.locator('[name="type"]').selectOption('webinar');
    await panel.locator('[name="startDate"]').focus();
    await page.keyboard.type('02302026');   // February 30th
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.locator('.field[data-field="startDate"] .field-error', { hasText: 'must be a real date' }).waitFor();
    assert.equal(await panel.locator('[name="startDate"]').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(posts, [], 'nothing sent');
    await page.context().close();
  });

  test('three wrong fields are shown at once, each beside its field', async () => {
    const partner = await newPartner(ann);
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/co-marketing`);
    await page.getByRole('button', { name: 'New campaign' }).click();
    const panel = page.locator('dialog.panel');
    await panel.locator('[name="name"]').fill('n'.repeat(300));
    await pickPartner(panel.locator('[name="partnerId"]'), partner.company);
    await panel.locator('[name="type"]').selectOption('webinar');
    await panel.locator('[name="budget"]').fill('-500');
    await panel.locator('[name="startDate"]').fill('2026-05-01');
    await panel.locator('[name="endDate"]').fill('2026-04-01');
    await panel.getByRole('button', { name: 'Create' }).click();
    for (const [name, text] of [['name', '200 characters'], ['budget', 'negative'], ['endDate', 'start date']]) {
      await panel.locator(`.field[data-field="${name}"] .field-error`, { hasText: text }).waitFor();
    }
    await page.screenshot({ path: new URL('editing-three-errors.png', SHOTS).pathname });
    await page.context().close();
  });

  test('a table exports what it shows: its filters, sort and columns, every row', async () => {
    const tag = unique('Export');
    for (const [n, status] of [[1, 'active'], [2, 'active'], [3, 'churned']]) await newPartner(ann, { company: `${tag} ${n}`, status });
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview?partners.q=${encodeURIComponent(tag)}&partners.status=active&partners.sort=-company&partners.columns=company,status`);
    await page.locator('.data-table[data-table="partners"] tbody tr', { hasText: `${tag} 2` }).waitFor();
    const link = page.locator('.data-table[data-table="partners"]').getByRole('link', { name: 'Export CSV' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = await readFile(await download.path(), 'utf8');
    assert.deepEqual(text.trim().split('\r\n'), ['company,status', `${tag} 2,active`, `${tag} 1,active`]);
    await page.context().close();
  });

  test('a bulk change: rows picked with Shift, a status set on all of them, then Undo', async () => {
    const tag = unique('Bulk');
    const made = [];
    for (const n of [1, 2, 3, 4]) made.push(await newPartner(ann, { company: `${tag} ${n}` }));
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview?partners.q=${encodeURIComponent(tag)}&partners.sort=company`);
    const t = page.locator('.data-table[data-table="partners"]');
    await t.locator('tbody tr', { hasText: `${tag} 4` }).waitFor();
    await t.getByRole('checkbox', { name: `Select ${tag} 1` }).click();
    await t.getByRole('checkbox', { name: `Select ${tag} 3` }).click({ modifiers: ['Shift'] });
    await t.locator('.bulk-bar', { hasText: '3 selected' }).waitFor();
    await t.locator('.bulk-bar select').first().selectOption('status');
    await t.locator('.bulk-bar').getByLabel('New Status').selectOption('active');
    await t.locator('.bulk-bar').getByRole('button', { name: 'Apply' }).click();
    await page.locator('.toast', { hasText: 'Set status on 3 records' }).waitFor();
    const statuses = async () => Promise.all(made.map(async (p) => (await ann.get(`/partners/${p.id}`)).json.status));
    assert.deepEqual(await statuses(), ['active', 'active', 'active', 'prospect']);
    await page.locator('.toast', { hasText: 'Set status on 3 records' }).getByRole('button', { name: 'Undo' }).click();
    await page.locator('.toast', { hasText: 'Undone.' }).waitFor();
    assert.deepEqual(await statuses(), ['prospect', 'prospect', 'prospect', 'prospect']);
    const history = (await ann.get(`/partners/${made[0].id}/history`)).json.items.map((h) => h.op);
    assert.deepEqual(history, ['insert', 'update', 'update'], 'one oplog row per record and change');
    await page.screenshot({ path: new URL('bulk.png', SHOTS).pathname });
    await page.context().close();
  });

  test('a cell edits in place from the keyboard; a conflict shows theirs and mine; a refused value is said in the cell', async () => {
    const tag = unique('Inline');
    const p = await newPartner(ann, { company: `${tag} Co` });
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview?partners.q=${encodeURIComponent(tag)}`);
    const t = page.locator('.data-table[data-table="partners"]');
    const row = t.locator(`tbody tr[data-id="${p.id}"]`);
    await row.waitFor();
    // Row, → into its cells, Enter edits, Enter saves.
    await row.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`${tag} Renamed`);
    await page.keyboard.press('Enter');
    await t.locator('td.cell-saved', { hasText: `${tag} Renamed` }).waitFor();
    assert.equal((await ann.get(`/partners/${p.id}`)).json.company, `${tag} Renamed`);
    // A refused value stays in the cell with the reason.
    await row.getByRole('button', { name: 'Edit Company' }).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(' ');
    await page.keyboard.press('Enter');
    await row.locator('.cell-error', { hasText: /characters|required/ }).waitFor();
    await page.keyboard.press('Escape');
    // Someone else changes the status; an edit from the stale row meets it.
    const fresh = (await ann.get(`/partners/${p.id}`)).json;
    await ann.patch(`/partners/${p.id}`, { status: 'negotiating' }, { headers: { 'if-match': `"${fresh.version}"` } });
    await row.locator('td[data-editable]').nth(2).focus();   // Company, Type, Status
    await page.keyboard.press('Enter');
    await row.locator('td[data-editable] select').selectOption('active');
    await page.keyboard.press('Enter');
    await row.locator('.cell-conflict', { hasText: 'Negotiating (yours: Active)' }).waitFor();
    await row.getByRole('button', { name: 'Edit mine' }).click();
    await page.keyboard.press('Enter');
    await row.locator('td.cell-saved', { hasText: 'Active' }).waitFor();
    assert.equal((await ann.get(`/partners/${p.id}`)).json.status, 'active');
    await page.screenshot({ path: new URL('inline.png', SHOTS).pathname });
    await page.context().close();
  });

  test('a started checklist is renamed, opened and deleted (with Undo) from its card', async () => {
    const partner = await newPartner(ann);
    const started = (await ann.post('/checklists', { partnerId: partner.id, templateKey: 'joint_webinar' })).json;
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/co-marketing`);
    const card = page.locator(`.checklist-card[data-id="${started.id}"]`);
    await card.getByRole('button', { name: 'Rename' }).click();
    await card.getByLabel('Checklist title').fill('Spring webinar with them');
    await page.keyboard.press('Enter');
    await card.locator('h4', { hasText: 'Spring webinar with them' }).waitFor();
    assert.equal((await ann.get(`/checklists/${started.id}`)).json.title, 'Spring webinar with them');
    await card.getByRole('button', { name: 'Open' }).click();
    await page.locator('dialog.panel h2', { hasText: 'Spring webinar with them' }).waitFor();
    await page.keyboard.press('Escape');
    await card.getByRole('button', { name: 'Delete' }).click();
    await card.waitFor({ state: 'detached' });
    assert.ok((await ann.get(`/checklists/${started.id}`)).json.deletedAt, 'in the trash');
    await page.locator('.toast', { hasText: 'Deleted “Spring webinar with them”' }).getByRole('button', { name: 'Undo' }).click();
    await page.locator(`.checklist-card[data-id="${started.id}"]`).waitFor();
    assert.equal((await ann.get(`/checklists/${started.id}`)).json.deletedAt, null);
    await page.context().close();
  });

  test('import: a file exported from a filtered view goes back in unchanged; a file with bad rows lists them and saves nothing', async () => {
    const tag = unique('Round');
    for (const n of [1, 2]) await newPartner(ann, { company: `${tag} ${n}`, status: 'active', tier: 'premier' });
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview?partners.q=${encodeURIComponent(tag)}&partners.sort=company`
      + '&partners.columns=company,contactName,contactEmail,type,status,tier');
    const t = page.locator('.data-table[data-table="partners"]');
    await t.locator('tbody tr', { hasText: `${tag} 2` }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), t.getByRole('link', { name: 'Export CSV' }).click()]);
    const exported = await readFile(await download.path(), 'utf8');
    await t.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.locator('dialog.import-dialog');
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'partners.csv', mimeType: 'text/csv', buffer: Buffer.from(exported) });
    await dialog.getByText('2 rows to import.').waitFor();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.toast', { hasText: 'Imported 2 partners' }).waitFor();
    const all = (await ann.get(`/partners?q=${encodeURIComponent(tag)}&sort=company&limit=10`)).json.items;
    assert.equal(all.length, 4);
    const shape = (p) => [p.company, p.contactName, p.contactEmail, p.type, p.status, p.tier].join('|');
    const originals = [1, 2].map((n) => `${tag} ${n}|Pat Contact|pat@partner.example|referral|active|premier`);
    assert.deepEqual(all.map(shape).sort(), [...originals, ...originals].sort(), 'the same rows again');

    // Headers by label, a column left out, one bad row: listed, nothing saved.
    const bad = 'Company,Contact name,Contact email,Type,Favourite colour\r\n'
      + `${tag} Good,Gail,gail@good.example,referral,blue\r\n${tag} Bad,Bert,not-an-email,referral,red\r\n`;
    await t.getByRole('button', { name: 'Import CSV' }).click();
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    assert.equal(await dialog.getByLabel('Favourite colour').inputValue(), '', 'an unknown column is left out');
    assert.equal(await dialog.getByLabel('Contact email').inputValue(), 'contactEmail', 'a header by label is matched');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.locator('.import-problems li', { hasText: 'Row 3' }).waitFor();
    assert.match(await dialog.locator('.import-problems').textContent(), /Nothing was imported/);
    assert.equal((await ann.get(`/partners?q=${encodeURIComponent(tag)}&limit=10`)).json.total, 4, 'nothing saved');
    await page.screenshot({ path: new URL('import-problems.png', SHOTS).pathname });
    await page.context().close();
  });

  test('your account: change the password, make a token (shown once) and revoke it', async () => {
    const bea = await newMember(root, 'Bea');
    const page = await newPage();
    await signIn(page, bea.email);
    await page.getByRole('link', { name: 'Bea' }).click();
    await page.locator('main h2', { hasText: 'Your account' }).waitFor();
    await page.getByLabel('Current password').fill(MEMBER_PASSWORD);
    await page.getByLabel('New password').fill('a-new-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('.toast', { hasText: 'Your password is changed' }).waitFor();
    await apiSignIn(bea.email, 'a-new-password-2');
    await page.getByLabel('Token name').fill('nightly sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = await page.locator('.token-value').textContent();
    const r = await fetch(`${ORIGIN}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } });
    assert.equal(r.status, 200, 'the token works');
    await page.locator('tbody tr', { hasText: 'nightly sync' }).getByRole('button', { name: 'Revoke' }).click();
    await page.locator('dialog.confirm').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tbody tr', { hasText: 'No API tokens.' }).waitFor();
    assert.equal((await fetch(`${ORIGIN}/api/v1/me`, { headers: { authorization: `Bearer ${value}` } })).status, 401, 'revoked');
    await page.screenshot({ path: new URL('account.png', SHOTS).pathname, fullPage: true });
    await page.context().close();
  });

  test('owners are told apart by email; a disabled user is no new owner; disabling asks first', async () => {
    const twin = unique('Twin');
    const one = await newMember(root, twin);
    const two = await newMember(root, twin);
    const page = await newPage();
    await signIn(page, 'admin@test.example', 'admin-test-password');
    await page.goto(`${ORIGIN}/#/users`);
    const row = page.locator('tbody tr', { hasText: two.email });
    await row.getByRole('button', { name: 'Disable' }).click();
    const confirm = page.locator('dialog.confirm');
    await confirm.getByText('can no longer sign in').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.locator('td').nth(3).textContent(), 'Active', 'nothing changed without a yes');
    await row.getByRole('button', { name: 'Disable' }).click();
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await page.locator('tbody tr', { hasText: two.email }).locator('td', { hasText: 'Disabled' }).waitFor();
    await page.goto(`${ORIGIN}/#/overview`);
    await page.getByRole('button', { name: 'New partner' }).click();
    const owners = await page.locator('dialog.panel [name="ownerUserId"] option').allTextContents();
    assert.ok(owners.includes(`${twin} (${one.email})`), owners.join(' | '));
    assert.ok(!owners.some((o) => o.includes(two.email)), 'the disabled twin is not offered');
    await page.context().close();
    assert.deepEqual(problems, []);
  });

  test('the referral agreement is filled for a partner, the intro from an outbound referral only; both are edited, then copied', async () => {
    const partner = await newPartner(ann, { company: unique('Lumen'), contactName: 'Dana Whitfield', type: 'referral', commissionRate: '12%' });
    const out = (await ann.post('/referrals', { partnerId: partner.id, direction: 'outbound', leadName: 'Sam Lee', leadCompany: 'Acme' })).json;
    await ann.post('/referrals', { partnerId: partner.id, direction: 'inbound', leadName: 'Sent By Them' });
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/referrals`);
    const agreement = page.locator('section', { hasText: 'Referral agreement' }).last();
    await agreement.getByLabel('Your company').fill('Northwind');
    await agreement.getByLabel('Referral partner', { exact: true }).selectOption(partner.id);
    const text = agreement.getByLabel('Agreement');
    await page.waitForFunction((el) => el.value.includes('12%'), await text.elementHandle());
    const filled = await text.inputValue();
    assert.match(filled, new RegExp(`Parties: Northwind and ${partner.company}`));
    assert.match(filled, /Commission: 12% of first-year revenue\n/);
    await text.fill(`${filled}- Signed by: Dana Whitfield\n`);
    await agreement.getByRole('button', { name: 'Copy' }).click();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /Signed by: Dana Whitfield/, 'the edited text is what is copied');

    const intro = page.locator('section', { hasText: 'Intro request' }).last();
    const picks = await intro.getByLabel('Outbound referral').locator('option').allTextContents();
    assert.ok(picks.some((o) => o.startsWith('Sam Lee (Acme)')), picks.join(' | '));
    assert.ok(!picks.some((o) => o.includes('Sent By Them')), 'an inbound referral is not offered');
    await intro.getByLabel('Outbound referral').selectOption(out.id);
    const introText = intro.getByLabel('Intro request');
    await page.waitForFunction((el) => el.value.startsWith('Hi Dana'), await introText.elementHandle());
    assert.match(await introText.inputValue(), /I think you'd be a great fit/, 'no line break in mid-sentence');
    await introText.fill('Hi Dana, meet Sam.');
    await intro.getByRole('button', { name: 'Copy' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Hi Dana, meet Sam.');
    await page.context().close();
    assert.deepEqual(problems, []);
  });

  test('on a board, several cards move at once, all or none, with Undo', async () => {
    const tag = unique('Multi');
    const made = [];
    for (const n of [1, 2, 3]) made.push(await newPartner(ann, { company: `${tag} ${n}` }));
    const statusOf = async (p) => (await ann.get(`/partners/${p.id}`)).json.status;
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview`);
    const board = page.locator('.kanban').first();
    await board.getByPlaceholder('Search the board…').fill(tag);
    const card = (n) => board.locator('.kanban-card', { hasText: `${tag} ${n}` });
    await page.waitForFunction((t) => document.querySelectorAll('.kanban .kanban-card').length === 3
      && [...document.querySelectorAll('.kanban .kanban-card')].every((c) => c.textContent.includes(t)), tag);
    await card(1).locator('.card-pick').check();
    await card(2).click({ modifiers: ['Control'] });
    await board.getByText('2 selected').waitFor();
    assert.equal(await page.locator('dialog.panel').count(), 0, 'a Ctrl-click selects, it does not open the record');
    await card(1).dragTo(board.locator('.column[data-status="negotiating"]'));
    await board.locator('.column[data-status="negotiating"] .kanban-card', { hasText: `${tag} 2` }).waitFor();
    assert.deepEqual(await Promise.all(made.map(statusOf)), ['negotiating', 'negotiating', 'prospect'], 'the two selected moved, the third stayed');
    await page.screenshot({ path: new URL('board-moved-together.png', SHOTS).pathname });
    await page.locator('#toasts .toast', { hasText: 'Moved 2 cards' }).getByRole('button', { name: 'Undo' }).click();
    await page.locator('#toasts .toast', { hasText: 'Undone' }).waitFor();
    assert.deepEqual(await Promise.all(made.map(statusOf)), ['prospect', 'prospect', 'prospect'], 'Undo put each back');

    // One of them changed by someone else meanwhile: none moves.
    await board.locator('.column[data-status="prospect"] .kanban-card', { hasText: `${tag} 1` }).waitFor();
    await card(1).locator('.card-pick').check();
    await card(3).locator('.card-pick').check();
    const current = (await ann.get(`/partners/${made[2].id}`)).json;
    assert.equal((await ann.patch(`/partners/${made[2].id}`, { tier: 'premier' }, { headers: { 'if-match': `"${current.version}"` } })).status, 200);
    await board.getByLabel('Move to').selectOption('active');
    await board.getByRole('button', { name: 'Move', exact: true }).click();
    await page.locator('#toasts .toast', { hasText: `someone else changed ${tag} 3` }).waitFor();
    assert.deepEqual(await Promise.all(made.map(statusOf)), ['prospect', 'prospect', 'prospect'], 'all or none');
    await page.context().close();
    assert.deepEqual(problems, []);
  });

  test('a partner picker searches as the user types, and is never a list of every partner', async () => {
    const tag = unique('Picked');
    const wanted = await newPartner(ann, { company: `${tag} Wanted` });
    await newPartner(ann, { company: `${tag} Other` });
    const page = await newPage();
    await signIn(page, ann.email);
    const asked = [];
    page.on('request', (r) => { if (/\/api\/v1\/partners\?/.test(r.url())) asked.push(new URL(r.url())); });
    await page.goto(`${ORIGIN}/#/co-marketing`);
    await page.getByRole('button', { name: 'New campaign' }).click();
    const panel = page.locator('dialog.panel');
    const picker = panel.locator('[name="partnerId"]');
    await picker.pressSequentially(`${tag} Wa`, { delay: 30 });
    const option = page.locator(`#${await picker.getAttribute('aria-controls')}`).getByRole('option');
    await option.first().waitFor();
    assert.deepEqual(await option.allTextContents(), [`${tag} Wanted`], 'the matching partner only');
    await picker.press('Enter');
    assert.equal(await picker.inputValue(), `${tag} Wanted`);
    await panel.locator('[name="name"]').fill('Picked campaign');
    await panel.locator('[name="type"]').selectOption('webinar');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    const made = (await ann.get(`/campaigns?partnerId=${wanted.id}`)).json.items;
    assert.deepEqual(made.map((c) => c.name), ['Picked campaign']);
    const searches = asked.filter((u) => u.searchParams.get('q'));
    assert.ok(searches.length >= 1 && searches.length <= 3, `one search per pause in typing, not per key: ${searches.length}`);
    assert.ok(searches.every((u) => u.searchParams.get('limit') === '20' && u.searchParams.get('fields') === 'company'), 'a few names, not whole records');
    assert.ok(!asked.some((u) => Number(u.searchParams.get('limit')) > 100), 'never a list of every partner');
    await page.context().close();
  });

  test('a user added without a password gets a link, shown once; opening it sets a password and signs in', async () => {
    const name = unique('Invitee');
    const email = `${name.toLowerCase()}@e2e.test`;
    const page = await newPage();
    await signIn(page, 'admin@test.example', 'admin-test-password');
    await page.goto(`${ORIGIN}/#/users`);
    const form = page.locator('form.inline-form');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Add user' }).click();
    const shown = page.locator('.token-shown', { hasText: `The invitation link for ${name}` });
    await shown.waitFor();
    const link = await shown.locator('code').textContent();
    assert.match(link, /#\/invite\?token=/);
    const row = page.locator('tbody tr', { hasText: email });
    await row.locator('td', { hasText: 'Invited' }).waitFor();
    await page.screenshot({ path: new URL('users-invited.png', SHOTS).pathname, fullPage: true });
    await page.context().close();

    const guest = await newPage({ width: 390, height: 844 });
    await guest.goto(link);
    await guest.getByLabel('Choose a password').fill('invited-password-1');
    await guest.getByLabel('Type it again').fill('invited-password-2');
    await guest.getByRole('button', { name: 'Set password and sign in' }).click();
    await guest.getByText('The two passwords are not the same.').waitFor();
    await guest.screenshot({ path: new URL('invite-phone.png', SHOTS).pathname, fullPage: true });
    await guest.getByLabel('Type it again').fill('invited-password-1');
    await guest.getByRole('button', { name: 'Set password and sign in' }).click();
    await guest.locator('nav').waitFor();
    assert.ok(!guest.url().includes('token='), `the token leaves the address bar: ${guest.url()}`);
    await apiSignIn(email, 'invited-password-1');
    await guest.goto(link);
    await guest.getByLabel('Choose a password').fill('another-password-1');
    await guest.getByLabel('Type it again').fill('another-password-1');
    await guest.getByRole('button', { name: 'Set password and sign in' }).click();
    await guest.getByText('This link was already used').waitFor();
    await guest.context().close();
    assert.deepEqual(problems, []);
  });
});
