// The installed app in a browser at URL (e.g. under /partners/): signs in,
// opens the Overview and the Partners table, and exits 0 only when that
// worked with no script error, no failed request and no CSP violation.
//   node tests/e2e/signin.mjs URL EMAIL PASSWORD [SCREENSHOT.png (taken when it fails)]
import { chromium } from 'playwright-core';

const [url, email, password, shot] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error('usage: node tests/e2e/signin.mjs URL EMAIL PASSWORD');
  process.exit(2);
}
const problems = [];
let page;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/api/v1/me')) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 10000 });
  await page.locator('.data-table tbody tr').first().waitFor({ timeout: 10000 });
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], tr.loading'), null, { timeout: 10000 });
} catch (e) {
  problems.push(e.message.split('\n').slice(0, 2).join(' '));
  if (shot && page) await page.screenshot({ path: shot }).catch(() => {});
} finally {
  await browser.close();
}
// Before signing in, /me answers 401; the console reports that as an error.
const real = problems.filter((p) => !/status of 401/.test(p));
for (const p of real) console.error(p);
process.exit(real.length ? 1 : 0);
