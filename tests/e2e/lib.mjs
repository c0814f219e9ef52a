// What the browser tests share: Debian's Chromium, a page that records
// script errors, CSP refusals and alert() calls, and signing in by the form.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { MEMBER_PASSWORD } from '../api/lib.mjs';

export const ORIGIN = process.env.API_BASE ?? 'http://127.0.0.1:8091';
export const SHOTS = new URL('../../var/test/screenshots/', import.meta.url);
// The pages of the app a member sees, by their #/ route (admins also see users).
export const PAGES = ['overview', 'co-marketing', 'integrations', 'referrals', 'customer-sharing', 'onboarding', 'performance', 'review', 'trash'];

export const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

// A page in its own context; what goes wrong on it is pushed to problems.
export async function newPage(browser, problems, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  return page;
}

export async function signIn(page, email, password = MEMBER_PASSWORD) {
  await page.goto(`${ORIGIN}/`);
  // A first visit is the sign-in page, not "your session has ended" over an empty page.
  await page.locator('main.signin-page form').waitFor();
  assert.equal(await page.locator('dialog.signin-dialog').count(), 0, 'no session-ended dialog on a first visit');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// An axe-core scan of the page: no serious or critical violation (label
// names the page in the failure).
export async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), []);
}

// Picks a partner in a partner picker (components/picker.js): types its
// company, then clicks the option the search offers.
export async function pickPartner(input, company) {
  await input.fill(company);
  const list = input.page().locator(`#${await input.getAttribute('aria-controls')}`);
  await list.getByRole('option', { name: company, exact: true }).click();
}
