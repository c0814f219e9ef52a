// Screenshots of every page and of a record panel, at 1280 px and phone
// width, for looking at what was built and for the README:
//   node tests/e2e/shoot.mjs http://127.0.0.1:8080/ OUTDIR [EMAIL PASSWORD]
// (against `make run` with its demo data).
import { chromium } from 'playwright-core';

const [url, out, email = process.env.ADMIN_EMAIL, password = process.env.ADMIN_PASSWORD] = process.argv.slice(2);
if (!url || !out || !email || !password) {
  console.error('usage: node tests/e2e/shoot.mjs URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const PAGES = ['overview', 'co-marketing', 'integrations', 'referrals', 'customer-sharing', 'onboarding', 'performance', 'review', 'trash', 'users'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
for (const [name, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  for (const key of PAGES) {
    await page.goto(`${url}#/${key}`);
    await page.locator('main h2').waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], tr.loading'));
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}-${key}.png`, fullPage: name === 'wide' });
  }
  await page.goto(`${url}#/overview`);
  await page.locator('.data-table tbody tr.clickable').first().click();
  await page.locator('dialog.panel form').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/${name}-panel.png` });
  await page.close();
}
await browser.close();
