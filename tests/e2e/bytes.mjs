// What the browser fetches: the first load (sign-in to the Overview), then
// each page, as bytes on the wire and bytes once decoded, and the first
// load's time on an emulated network (NET_MBITS, default 10 Mbit/s, and
// NET_RTT_MS, default 40 ms), with compression and without it
// (Accept-Encoding: identity).  Prints a Markdown table.
//   node tests/e2e/bytes.mjs URL EMAIL PASSWORD
import { chromium } from 'playwright-core';

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error('usage: node tests/e2e/bytes.mjs URL EMAIL PASSWORD');
  process.exit(2);
}
const PAGES = ['overview', 'co-marketing', 'integrations', 'referrals', 'customer-sharing', 'onboarding', 'performance', 'review', 'trash'];
const mbits = Number(process.env.NET_MBITS ?? 10);
const rtt = Number(process.env.NET_RTT_MS ?? 40);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

const settled = (page) => page.waitForFunction(() => !document.querySelector('[aria-busy="true"], tr.loading'));

// One browser session: { first: {requests, wire, decoded, ms}, pages: [...] }.
async function session({ compressed, eachPage }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: rtt, downloadThroughput: (mbits * 1e6) / 8, uploadThroughput: (mbits * 1e6) / 8,
  });
  if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let tally = { requests: 0, wire: 0, decoded: 0 };
  cdp.on('Network.loadingFinished', (e) => { tally.requests++; tally.wire += e.encodedDataLength; });
  cdp.on('Network.dataReceived', (e) => { tally.decoded += e.dataLength; });

  const start = Date.now();
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h2').waitFor();
  await settled(page);
  const first = { ...tally, ms: Date.now() - start };
  const pages = [];
  if (eachPage) {
    for (const key of PAGES) {
      tally = { requests: 0, wire: 0, decoded: 0 };
      await page.evaluate((k) => { location.hash = `#/${k}`; }, key);
      await page.locator('main h2').waitFor();
      await settled(page);
      await page.waitForTimeout(500);
      pages.push({ key, ...tally });
    }
  }
  await context.close();
  return { first, pages };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const plain = await session({ compressed: false, eachPage: false });
const gz = await session({ compressed: true, eachPage: true });
console.log(`| what | requests | decoded | on the wire, uncompressed | on the wire, compressed |`);
console.log(`|---|---|---|---|---|`);
console.log(`| first load (sign-in to the Overview) | ${gz.first.requests} | ${kb(gz.first.decoded)} | ${kb(plain.first.wire)} | ${kb(gz.first.wire)} |`);
for (const p of gz.pages) console.log(`| ${p.key} | ${p.requests} | ${kb(p.decoded)} | | ${kb(p.wire)} |`);
console.log(`\nfirst load at ${mbits} Mbit/s, ${rtt} ms: uncompressed ${plain.first.ms} ms, compressed ${gz.first.ms} ms`);
await browser.close();
