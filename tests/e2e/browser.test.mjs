// What a person does in the browser, in headless Chromium (Debian's), against
// the stack tests/run.sh started: sign in, create a partner through the form
// (a validation error first), table and board, drag to active and see the
// callout change, history, delete / undo / trash / restore, another member's
// view, a stored-XSS company name, a conflicting drag, a session that ends
// while typing, and an axe-core scan of every page.  Screenshots of each page
// are left in var/test/screenshots to be looked at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { admin, newMember, newPartner, unique, MEMBER_PASSWORD } from '../api/lib.mjs';
import { ORIGIN, SHOTS, PAGES, launch, newPage as openPage, pickPartner, signIn, axe } from './lib.mjs';


let browser;
let adminApi;
let alice;   // member: the one who works in the browser
let bob;     // another member
const problems = [];   // CSP violations, script errors, alert() calls
const newPage = (viewport) => openPage(browser, problems, viewport);

const callout = (page, name) => page.locator(`.callout [data-figure="${name}"] .figure-value`);
// A row is opened by a click on its name: its middle may be another cell's ✎
// (which edits that cell in place), wherever the columns' widths put it.
const partnersTable = (page) => page.locator('.data-table[data-collection="partners"]').first();
const card = (page, company) => page.locator('.kanban[data-collection="partners"] .kanban-card', { hasText: company });
const column = (page, status) => page.locator(`.kanban[data-collection="partners"] .column[data-status="${status}"]`);


describe('the browser app', () => {
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launch();
    adminApi = await admin();
    alice = await newMember(adminApi, 'Alice');
    bob = await newMember(adminApi, 'Bob');
  });
  after(async () => {
    await browser?.close();
  });

  test('sign in, create a partner (validation first), see it in the table and board, drag it to active, history, delete, undo, trash, restore', async () => {
    const page = await newPage();
    await signIn(page, alice.email);
    await assert.doesNotReject(page.locator('.who', { hasText: 'Alice' }).waitFor());
    assert.match(await page.locator('.who .role').textContent(), /Member/);
    await page.screenshot({ path: new URL('empty-overview.png', SHOTS).pathname, fullPage: true });
    assert.equal(await callout(page, 'activePartners').textContent(), '0');

    const company = unique('Lumen Labs');
    await page.getByRole('button', { name: 'New partner' }).click();
    const panel = page.locator('dialog.panel');
    await panel.locator('[name="company"]').fill(company);
    await panel.getByRole('button', { name: 'Create' }).click();
    // Every required field left empty is named beside it.
    for (const name of ['contactName', 'contactEmail', 'type']) {
      await panel.locator(`.field[data-field="${name}"] .field-error`, { hasText: 'is required' }).waitFor();
      assert.equal(await panel.locator(`[name="${name}"]`).getAttribute('aria-invalid'), 'true');
    }
    await page.screenshot({ path: new URL('validation.png', SHOTS).pathname });
    await panel.locator('[name="contactName"]').fill('Lee Lumen');
    await panel.locator('[name="contactEmail"]').fill('not-an-address');
    await panel.locator('[name="type"]').selectOption('co_marketing');
    await panel.getByRole('button', { name: 'Create' }).click();
    // The server's 422 for the address, beside its field; the others are cleared.
    await panel.locator('.field[data-field="contactEmail"] .field-error', { hasText: 'email' }).waitFor();
    assert.equal(await panel.locator('.field[data-field="contactName"] .field-error').textContent(), '');
    await panel.locator('[name="contactEmail"]').fill('lee@lumen.example');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });

    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor();
    await card(page, company).waitFor();
    assert.equal(await column(page, 'prospect').locator('.kanban-card', { hasText: company }).count(), 1);

    // Drag to active: the status changes and the callout counts it.
    await card(page, company).dragTo(column(page, 'active'));
    await column(page, 'active').locator('.kanban-card', { hasText: company }).waitFor();
    await page.waitForFunction(() => document.querySelector('.callout [data-figure="activePartners"] .figure-value')?.textContent === '1');
    await page.screenshot({ path: new URL('after-drag.png', SHOTS).pathname, fullPage: true });

    // History: who changed what.  The move reloads the page's table and
    // board after the callout: a row clicked while its table is redrawn
    // was clicked away (seen once on a loaded fresh machine), so wait.
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    await partnersTable(page).locator('tbody tr', { hasText: company }).getByText(company).click();
    await panel.waitFor();
    await panel.getByRole('tab', { name: 'History' }).click();
    const history = panel.locator('.history-list');
    await history.waitFor();
    await history.locator('li', { hasText: 'Status' }).first().waitFor();
    const text = await history.textContent();
    assert.match(text, /Alice/);
    assert.match(text, /Prospect\s*→\s*Active/);
    assert.match(text, /created it/);
    await page.screenshot({ path: new URL('history.png', SHOTS).pathname });

    // Delete, then Undo from the notice.
    await panel.getByRole('tab', { name: 'Details' }).click();
    await panel.getByRole('button', { name: 'Delete' }).click();
    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Deleted' }).getByRole('button', { name: 'Undo' }).click();
    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor();

    // Delete again; find it in the trash; restore it.
    await partnersTable(page).locator('tbody tr', { hasText: company }).getByText(company).click();
    await panel.getByRole('button', { name: 'Delete' }).click();
    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Trash' }).click();
    const trashRow = page.locator('.data-table tbody tr', { hasText: company });
    await trashRow.waitFor();
    await page.screenshot({ path: new URL('trash.png', SHOTS).pathname });
    await trashRow.getByRole('button', { name: 'Restore' }).click();
    await trashRow.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Overview' }).click();
    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor();
    assert.equal(await callout(page, 'activePartners').textContent(), '1');

    // Another member sees none of it.
    const other = await newPage();
    await signIn(other, bob.email);
    await partnersTable(other).locator('tbody tr.empty').waitFor();
    assert.equal(await other.locator('body', { hasText: company }).count(), 0);
    assert.equal(await callout(other, 'activePartners').textContent(), '0');
    await other.context().close();
    await page.context().close();
  });

  test('record text is shown as text: a stored XSS payload stays inert', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    await newPartner(alice, { company: payload, contactName: '<script>alert(2)</script>', notes: '"><svg onload=alert(3)>' });
    const page = await newPage();
    await signIn(page, alice.email);
    const row = partnersTable(page).locator('tbody tr', { hasText: payload });
    await row.waitFor();
    assert.equal(await row.locator('td[data-field="company"]').textContent(), payload);
    assert.equal(await page.locator('main img, main script:not([src]), main svg[onload]').count(), 0);
    await card(page, payload).click();
    await page.locator('dialog.panel h2', { hasText: payload }).waitFor();
    assert.equal(await page.locator('dialog.panel [name="notes"]').inputValue(), '"><svg onload=alert(3)>');
    assert.equal(await page.locator('dialog img').count(), 0);
    await page.context().close();
    assert.deepEqual(problems.filter((p) => p.startsWith('dialog')), []);
  });

  test('a drag that meets someone else\'s change shows it and overwrites nothing', async () => {
    const partner = await newPartner(alice, { company: unique('Contested Co') });
    const page = await newPage();
    await signIn(page, alice.email);
    await card(page, partner.company).waitFor();
    // Meanwhile, someone else moves it to negotiating.
    const moved = await alice.patch(`/partners/${partner.id}`, { status: 'negotiating' }, { headers: { 'if-match': `"${partner.version}"` } });
    assert.equal(moved.status, 200);
    // The keyboard: focus the card, → moves it one column right (to negotiating from the stale board's prospect).
    await card(page, partner.company).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('.toast', { hasText: 'changed by someone else' }).waitFor();
    await column(page, 'negotiating').locator('.kanban-card', { hasText: partner.company }).waitFor();
    const now = await alice.get(`/partners/${partner.id}`);
    assert.equal(now.json.status, 'negotiating');
    assert.equal(now.json.version, partner.version + 1, 'the stale move was not applied');
    // A move by keyboard on the fresh board goes through.
    await column(page, 'negotiating').locator('.kanban-card', { hasText: partner.company }).focus();
    await page.keyboard.press('ArrowRight');
    await column(page, 'onboarding').locator('.kanban-card', { hasText: partner.company }).waitFor();
    assert.equal((await alice.get(`/partners/${partner.id}`)).json.status, 'onboarding');
    await page.context().close();
  });

  test('a session that ends while typing brings the sign-in back and keeps the text', async () => {
    const page = await newPage();
    await signIn(page, alice.email);
    const company = unique('Typed Before Expiry');
    await page.getByRole('button', { name: 'New partner' }).click();
    const panel = page.locator('dialog.panel');
    await panel.locator('[name="company"]').fill(company);
    await panel.locator('[name="contactName"]').fill('Kept Text');
    await panel.locator('[name="contactEmail"]').fill('kept@text.example');
    await panel.locator('[name="type"]').selectOption('referral');
    await page.context().clearCookies();
    await panel.getByRole('button', { name: 'Create' }).click();
    const again = page.locator('dialog.signin-dialog');
    await again.waitFor();
    await again.getByLabel('Password').fill(MEMBER_PASSWORD);
    await again.getByRole('button', { name: 'Sign in' }).click();
    await panel.waitFor({ state: 'detached' });
    await partnersTable(page).locator('tbody tr', { hasText: company }).waitFor();
    await page.context().close();
  });

  test('offboarding: ticking "Update partner status to churned" churns the partner (asked first; unticking puts it back); the intro text is filled from a referral', async () => {
    const partner = await newPartner(alice, { company: unique('Leaving Ltd'), status: 'active' });
    await alice.post('/referrals', { partnerId: partner.id, direction: 'outbound', leadName: 'Iris Intro', leadCompany: 'Intro Inc' });
    const page = await newPage();
    await signIn(page, alice.email);
    await page.getByRole('link', { name: 'Partner Onboarding' }).click();
    await pickPartner(page.getByLabel('Partner', { exact: true }), partner.company);
    await page.getByRole('button', { name: 'Start partner offboarding' }).click();
    const step = page.locator('.checklist-card', { hasText: 'Partner Offboarding' }).first().getByLabel('Update partner status to "churned"');
    await step.check();
    // It asks first; unticking offers the status it had before.
    await page.locator('dialog.confirm').getByRole('button', { name: 'Churn' }).click();
    await page.locator('.toast', { hasText: 'is now churned' }).waitFor();
    assert.equal((await alice.get(`/partners/${partner.id}`)).json.status, 'churned');
    await step.uncheck();
    await page.locator('dialog.confirm').getByRole('button', { name: 'Back to Active' }).click();
    await page.locator('.toast', { hasText: 'is Active again' }).waitFor();
    assert.equal((await alice.get(`/partners/${partner.id}`)).json.status, 'active');
    await step.check();
    await page.locator('dialog.confirm').getByRole('button', { name: 'Churn' }).click();
    // The newest notice (the first churn's may still be up beside it).
    await page.waitForFunction(() => document.querySelector('#toasts .toast:last-child')?.textContent.includes('is now churned'));
    assert.equal((await alice.get(`/partners/${partner.id}`)).json.status, 'churned', 'churned again');

    await page.getByRole('link', { name: 'Referrals & Intros' }).click();
    const referral = page.getByLabel('Outbound referral', { exact: true });
    await referral.locator('option', { hasText: 'Iris Intro' }).waitFor({ state: 'attached' });
    await referral.selectOption({ label: `Iris Intro (Intro Inc) → ${partner.company}` });
    const intro = page.getByLabel('Intro request (yours to edit before you copy it)');
    await page.waitForFunction((el) => el.value.includes('Iris Intro'), await intro.elementHandle());
    const text = await intro.inputValue();
    assert.match(text, /Would love to introduce Iris Intro at Intro Inc to you/);
    await page.context().close();
  });

  test('every page renders, passes an axe-core scan (no serious violation), and keeps to the CSP', async () => {
    const company = unique('Axe Partner');
    const partner = await newPartner(alice, { company });
    await alice.post('/campaigns', { partnerId: partner.id, name: 'Axe Webinar', type: 'webinar', budget: 1000, revenue: 2500, status: 'completed' });
    await alice.post('/referrals', { partnerId: partner.id, direction: 'outbound', leadName: 'Ada Lead', leadCompany: 'Lead Co' });
    await alice.post('/checklists', { partnerId: partner.id, templateKey: 'joint_webinar' });
    await alice.post('/checklists', { partnerId: partner.id, templateKey: 'partner_offboarding' });
    const page = await newPage();
    await page.goto(`${ORIGIN}/`);
    await page.getByLabel('Email').waitFor();
    await axe(page, 'sign-in');
    await signIn(page, alice.email);
    for (const key of PAGES) {
      await page.goto(`${ORIGIN}/#/${key}`);
      await page.locator('main h2').waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('tr.loading'));
      await page.screenshot({ path: new URL(`page-${key}.png`, SHOTS).pathname, fullPage: true });
      await axe(page, key);
    }
    await page.goto(`${ORIGIN}/#/overview`);
    await partnersTable(page).locator('tbody tr', { hasText: company }).getByText(company).click();
    await page.locator('dialog.panel').waitFor();
    await axe(page, 'record panel');
    await page.context().close();

    // The admin's overview has the owner filter and column.
    const adminPage = await newPage();
    await signIn(adminPage, 'admin@test.example', 'admin-test-password');
    await adminPage.getByLabel('Filter by Owner').first().waitFor();
    await adminPage.goto(`${ORIGIN}/#/users`);
    await adminPage.locator('main table tbody tr').first().waitFor();
    await axe(adminPage, 'users');
    await adminPage.context().close();
    assert.deepEqual(problems, []);
  });

  test('on a phone-sized screen the pages fit the width', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page, alice.email);
    for (const key of ['overview', 'referrals', 'performance']) {
      await page.goto(`${ORIGIN}/#/${key}`);
      await page.locator('main h2').waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${key} is ${overflow}px wider than the screen`);
      await page.screenshot({ path: new URL(`phone-${key}.png`, SHOTS).pathname });
    }
    await page.context().close();
  });
});
