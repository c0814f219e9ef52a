// Links, saved views and the ways people move through the app, in headless
// Chromium against the stack tests/run.sh started: a record's address
// survives a reload and Back closes it; a wrong address or someone else's
// record says so; a link from another user's session shows the reader's own
// rows; saved views (filters, hidden and reordered columns, shared ones, a
// default) survive a reload; a board filter and a quick add; a card dragged
// by touch; names in the order people read them; both colour schemes pass
// axe on every page; the keyboard shortcuts.  Screenshots of both themes are
// left in var/test/screenshots.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { admin, newMember, newPartner, unique, MEMBER_PASSWORD } from '../api/lib.mjs';
import { ORIGIN, SHOTS, PAGES, launch, signIn, axe } from './lib.mjs';


let browser;
let root;
let ann;
let bob;
const problems = [];

async function newPage({ viewport = { width: 1440, height: 900 }, colorScheme = 'light', hasTouch = false } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, hasTouch });
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}

const table = (page, key) => page.locator(`.data-table[data-table="${key}"]`);
const settled = (page) => page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('tr.loading'));
const companies = async (page, key = 'partners', field = 'company') => {
  await settled(page);
  return table(page, key).locator(`tbody tr td[data-field="${field}"]`).allTextContents();
};


describe('addresses, views and the keyboard', () => {
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launch();
    root = await admin();
    ann = await newMember(root, 'Ann');
    bob = await newMember(root, 'Bob');
  });
  after(async () => { await browser?.close(); });

  test('a record has an address: reload shows it, its tab too; Back closes it', async () => {
    const p = await newPartner(ann, { company: unique('Address Co') });
    const page = await newPage();
    await signIn(page, ann.email);
    await table(page, 'partners').locator('tbody tr', { hasText: p.company }).getByText(p.company).click();
    await page.locator('dialog.panel h2', { hasText: p.company }).waitFor();
    assert.match(page.url(), new RegExp(`#/overview/partners/${p.id}$`));
    await page.reload();
    await page.locator('dialog.panel h2', { hasText: p.company }).waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    assert.match(page.url(), /\/history$/);
    await page.reload();
    await page.locator('dialog.panel .history-list').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected'), 'true');
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('dialog.panel[open]'));
    assert.match(page.url(), /#\/overview$/);
    await page.goForward();
    await page.locator('dialog.panel h2', { hasText: p.company }).waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog.panel[open]'));
    // The dialog loses [open] at once; its close event, which goes Back, runs
    // after, and Back itself changes the address later still.
    await page.waitForURL((u) => !u.href.includes(p.id));
    assert.ok(!page.url().includes(p.id), 'closing leaves the record\'s address');
    await page.context().close();
  });

  test('a wrong address, an admin page or someone else\'s record says so and offers the way back', async () => {
    const theirs = await newPartner(bob, { company: unique('Not Ann\'s') });
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/nowhere`);
    await page.locator('main h2', { hasText: 'There is no such page' }).waitFor();
    await page.goto(`${ORIGIN}/#/users`);
    await page.locator('main h2', { hasText: 'This page is for admins' }).waitFor();
    await page.getByRole('link', { name: 'Go to the overview' }).click();
    await page.locator('main h2', { hasText: 'Overview' }).waitFor();
    await page.goto(`${ORIGIN}/#/overview/partners/${theirs.id}`);
    const missing = page.locator('dialog.missing');
    await missing.getByText('not one you may see').waitFor();
    await missing.getByRole('button', { name: 'Back to the page' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    await page.waitForURL(/#\/overview$/);   /* written by the dialog's close event, after [open] is gone */
    assert.match(page.url(), /#\/overview$/);
    await page.context().close();
  });

  test('a link with filters and sort shows the same table, with the reader\'s own rows', async () => {
    const tag = unique('Linked');
    for (const [who, n, status] of [[ann, 1, 'active'], [ann, 2, 'expanding'], [ann, 3, 'prospect'], [bob, 4, 'active']]) {
      await newPartner(who, { company: `${tag} ${n}`, status, revenueAttributed: undefined });
    }
    const page = await newPage();
    await signIn(page, ann.email);
    const link = `${ORIGIN}/#/overview?partners.status=active,expanding&partners.q=${encodeURIComponent(tag)}&partners.sort=-company`;
    await page.goto(link);
    assert.deepEqual(await companies(page), [`${tag} 2`, `${tag} 1`]);
    assert.equal(await table(page, 'partners').locator('details[data-filter="status"] summary').textContent(), 'Status: Active, Expanding');
    assert.equal(await table(page, 'partners').locator('input[type="search"]').inputValue(), tag);
    await page.context().close();
    const bobs = await newPage();
    await signIn(bobs, bob.email);
    await bobs.goto(link);
    assert.deepEqual(await companies(bobs), [`${tag} 4`], 'the colleague sees only their own rows');
    await bobs.context().close();
  });

  test('saved views: filters and columns survive a reload; shared views; a copy of another\'s; a default', async () => {
    const tag = unique('Viewed');
    await newPartner(ann, { company: `${tag} A`, status: 'active', tier: 'strategic' });
    await newPartner(ann, { company: `${tag} B`, status: 'churned' });
    const page = await newPage();
    await signIn(page, ann.email);
    const t = table(page, 'partners');
    await t.locator('input[type="search"]').fill(tag);
    await t.locator('details[data-filter="status"] summary').click();
    await t.locator('details[data-filter="status"]').getByRole('checkbox', { name: 'Active', exact: true }).check();
    await t.locator('details[data-filter="status"] summary').click();
    // Hide Type, move Status first.
    await t.locator('details.columns-menu summary').click();
    await t.locator('details.columns-menu').getByRole('checkbox', { name: 'Type', exact: true }).uncheck();
    await t.getByRole('button', { name: 'Move Status left' }).click();   /* Company, Status → Status, Company */
    await t.locator('details.columns-menu summary').click();
    await page.waitForFunction((tg) => [...document.querySelectorAll('.data-table[data-table="partners"] tbody tr')].length === 1, tag);
    const heads = async () => t.locator('thead th').evaluateAll((ths) => ths.map((th) => th.dataset.field).filter(Boolean));
    assert.deepEqual((await heads()).slice(0, 2), ['status', 'company']);
    assert.ok(!(await heads()).includes('type'));
    await t.getByRole('button', { name: 'Save view…' }).click();
    const dialog = page.locator('dialog.view-dialog');
    await dialog.getByLabel('Name').fill(`${tag} active`);
    await dialog.getByLabel('Shared with the team').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await t.getByRole('button', { name: 'Make default' }).click();
    await t.getByRole('button', { name: 'Rename…' }).click();
    const renaming = page.locator('dialog.view-dialog');
    await renaming.getByLabel('Name').fill(`${tag} active (renamed)`);
    await renaming.getByRole('button', { name: 'Save' }).click();
    await renaming.waitFor({ state: 'detached' });
    await t.locator('.views-bar select option', { hasText: `${tag} active (renamed)` }).waitFor({ state: 'attached' });
    await page.reload();
    await t.locator('tbody tr td').first().waitFor();
    await settled(page);
    assert.deepEqual((await heads()).slice(0, 2), ['status', 'company'], 'columns kept after a reload');
    assert.deepEqual(await companies(page, 'partners', 'status'), ['Active']);
    const saved = (await ann.get(`/views?collection=partners&limit=500`)).json.items.find((v) => v.name === `${tag} active (renamed)`);
    assert.ok(saved && saved.shared, 'stored on the server, shared');
    assert.deepEqual(saved.columns.slice(0, 2), ['status', 'company']);
    assert.match(saved.query, /status=active/);
    // A fresh visit (no table state in the address) opens in the default view.
    await page.goto(`${ORIGIN}/#/review`);
    await page.goto(`${ORIGIN}/#/overview`);
    await page.waitForFunction((id) => document.querySelector('.data-table[data-table="partners"] .views-bar select')?.value === id, saved.id);
    await settled(page);
    assert.equal(await t.locator('tbody tr').count(), 1);
    await page.context().close();

    // Bob sees it, marked shared; changing it saves his own copy.
    const bobs = await newPage();
    await signIn(bobs, bob.email);
    const bt = table(bobs, 'partners');
    const option = bt.locator('.views-bar select option', { hasText: `${tag} active` });
    await option.waitFor({ state: 'attached' });
    assert.match(await option.textContent(), /shared/);
    await bt.locator('.views-bar select').selectOption(saved.id);
    await settled(bobs);
    await bt.locator('details[data-filter="tier"] summary').click();
    await bt.locator('details[data-filter="tier"]').getByRole('checkbox', { name: 'Strategic', exact: true }).check();
    await bt.locator('details[data-filter="tier"] summary').click();
    await bt.getByRole('button', { name: 'Save as my copy' }).click();
    const copy = bobs.locator('dialog.view-dialog');
    await copy.getByLabel('Name').fill(`${tag} Bob's`);
    await copy.getByRole('button', { name: 'Save' }).click();
    await copy.waitFor({ state: 'detached' });
    const again = (await ann.get(`/views/${saved.id}`)).json;
    assert.equal(again.version, saved.version, 'the shared view is unchanged');
    const bobsViews = (await bob.get('/views?collection=partners&limit=500')).json.items;
    const bobsCopy = bobsViews.find((v) => v.name === `${tag} Bob's`);
    assert.ok(bobsCopy && bobsCopy.ownerUserId === bob.user.id && !bobsCopy.shared && /tier=strategic/.test(bobsCopy.query));
    await bobs.context().close();
  });

  test('a board filter, a quick add in a column, and a card moved by touch', async () => {
    const tag = unique('Board');
    const a = await newPartner(ann, { company: `${tag} Alpha`, status: 'prospect', tier: 'premier' });
    await newPartner(ann, { company: `${tag} Beta`, status: 'prospect', tier: 'standard' });
    const page = await newPage({ viewport: { width: 1440, height: 1000 }, hasTouch: true });
    await signIn(page, ann.email);
    const board = page.locator('.kanban[data-collection="partners"]');
    await board.locator('input[type="search"]').fill(tag);
    await board.locator('details[data-filter="tier"] summary').click();
    await board.locator('details[data-filter="tier"]').getByRole('checkbox', { name: 'Premier', exact: true }).check();
    await board.locator('details[data-filter="tier"] summary').click();
    await page.waitForFunction((tg) => [...document.querySelectorAll('.kanban[data-collection="partners"] .kanban-card')]
      .filter((c) => c.textContent.includes(tg)).length === 1, tag);
    assert.match(page.url(), /pipeline\.tier=premier/);
    // The board's filters saved as a board view.
    await board.getByRole('button', { name: 'Save view…' }).click();
    const save = page.locator('dialog.view-dialog');
    await save.getByLabel('Name').fill(`${tag} premier`);
    await save.getByRole('button', { name: 'Save' }).click();
    await save.waitFor({ state: 'detached' });
    const boardView = (await ann.get('/views?collection=partners&kind=board&limit=500')).json.items.find((v) => v.name === `${tag} premier`);
    assert.ok(boardView && /tier=premier/.test(boardView.query) && boardView.query.includes(encodeURIComponent(tag).replace(/%20/g, '+')),
      JSON.stringify(boardView));

    // Quick add in the Negotiating column.
    await board.locator('.column[data-status="negotiating"]').getByRole('button', { name: '+ Add negotiating' }).click();
    const panel = page.locator('dialog.panel');
    assert.equal(await panel.locator('[name="status"]').inputValue(), 'negotiating');
    await panel.locator('[name="company"]').fill(`${tag} Quick`);
    await panel.locator('[name="contactName"]').fill('Quinn');
    await panel.locator('[name="contactEmail"]').fill('quinn@quick.example');
    await panel.locator('[name="type"]').selectOption('referral');
    await panel.locator('[name="tier"]').selectOption('premier');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    await board.locator('.column[data-status="negotiating"] .kanban-card', { hasText: `${tag} Quick` }).waitFor();
    await settled(page);   /* the table above the board has its new row too: nothing moves under the finger */

    // Touch: press and hold Alpha, move it onto Active, lift.
    await board.locator('.column[data-status="active"]').scrollIntoViewIfNeeded();
    const from = await board.locator('.kanban-card', { hasText: `${tag} Alpha` }).boundingBox();
    const to = await board.locator('.column[data-status="active"]').boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const point = (x, y) => [{ x: Math.round(x), y: Math.round(y) }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(from.x + 20, from.y + 10) });
    // Held long enough: the board marks the card (a move before that is a swipe).
    await board.locator('.kanban-card.touch-dragging', { hasText: `${tag} Alpha` }).waitFor();
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point((from.x + to.x) / 2, to.y + 40) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(to.x + 30, to.y + 60) });
    // The card moves at once; the PATCH is sent after: wait for its answer before reading the record.
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(`/partners/${a.id}`));
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await board.locator('.column[data-status="active"] .kanban-card', { hasText: `${tag} Alpha` }).waitFor();
    assert.equal((await patched).status(), 200);
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    assert.equal((await ann.get(`/partners/${a.id}`)).json.status, 'active', 'stored');
    await page.context().close();
  });

  test('names sort as people read them: numbers by their value, in the table and its export', async () => {
    const tag = unique('Order');
    for (const n of [100, 6, 11, 1]) await newPartner(ann, { company: `${tag} Acme ${n}` });
    const page = await newPage();
    await signIn(page, ann.email);
    await page.goto(`${ORIGIN}/#/overview?partners.q=${encodeURIComponent(tag)}`);
    assert.deepEqual(await companies(page), [1, 6, 11, 100].map((n) => `${tag} Acme ${n}`));
    await page.context().close();
    const csv = await ann.get(`/partners.csv?q=${encodeURIComponent(tag)}&sort=-company`);
    assert.deepEqual(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[1]), [100, 11, 6, 1].map((n) => `${tag} Acme ${n}`));
  });

  test('light and dark: every page passes axe in both schemes, as the system sets it', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await newPage({ colorScheme });
      await signIn(page, ann.email);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background === 'rgb(246, 247, 249)', colorScheme === 'light', `${colorScheme}: body ${background}`);
      for (const key of PAGES) {
        await page.goto(`${ORIGIN}/#/${key}`);
        await page.locator('main h2').waitFor();
        await settled(page);
        await page.screenshot({ path: new URL(`${colorScheme}-${key}.png`, SHOTS).pathname, fullPage: true });
        await axe(page, `${colorScheme} ${key}`);
      }
      await page.context().close();
    }
  });

  test('shortcuts: ? lists them, / searches, n opens a new record, j and k walk the rows, Enter opens one', async () => {
    const page = await newPage();
    await signIn(page, ann.email);
    await settled(page);
    await page.keyboard.press('?');
    await page.locator('dialog.shortcuts').getByText('Next row of a table').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.type), 'search');
    await page.keyboard.press('Escape');
    await page.locator('main h2').click();
    await page.keyboard.press('n');
    await page.locator('dialog.panel h2', { hasText: 'New partner' }).waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    await page.locator('main h2').click();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const focused = await page.evaluate(() => [...document.activeElement.closest('tbody').rows].indexOf(document.activeElement));
    assert.equal(focused, 0);
    await page.keyboard.press('Enter');
    await page.locator('dialog.panel[open]').waitFor();
    assert.match(page.url(), /#\/overview\/partners\//);
    await page.context().close();
    assert.deepEqual(problems, []);
  });
});
