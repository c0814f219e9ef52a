// The partner portal in headless Chromium: a partner's owner invites a
// contact from the partner's record; the contact opens the link on a phone,
// chooses a password, sees the portal's five pages (each passes axe, none
// shows anything internal), registers a lead and accepts an intro; the owner
// sees both on the overview, and the contact named in the record's history.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { admin, newMember, newPartner, unique } from '../api/lib.mjs';
import { ORIGIN, SHOTS, launch, newPage as openPage, signIn, axe } from './lib.mjs';

let browser;
let owner;
let partner;
let intro;
const problems = [];
const newPage = (viewport) => openPage(browser, problems, viewport);


describe('the partner portal', () => {
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launch();
    const root = await admin();
    owner = await newMember(root, 'Morgan');
    partner = await newPartner(owner, { company: unique('Lumen Labs'), type: 'referral', commissionRate: '12%', notes: 'never shown to them' });
    intro = (await owner.post('/referrals', { partnerId: partner.id, direction: 'outbound', leadName: 'Sam Lee', leadCompany: 'Acme', notes: 'internal only' })).json;
    await owner.post('/campaigns', { partnerId: partner.id, name: 'Joint webinar', type: 'webinar', deliverables: ['Slides'] });
    await owner.post('/shared-customers', { partnerId: partner.id, customer: 'Globex', health: 'healthy' });
  });
  after(async () => { await browser?.close(); });

  test('invited from the record, a contact uses the portal on a phone; the owner sees what they did', async () => {
    const ownerPage = await newPage();
    await signIn(ownerPage, owner.email);
    await ownerPage.goto(`${ORIGIN}/#/overview/partners/${partner.id}`);
    const access = ownerPage.locator('dialog.panel .portal-access');
    await access.getByLabel('Contact name').fill('Dana Whitfield');
    await access.getByLabel('Contact email').fill(`${unique('dana')}@lumen.test`);
    await access.getByRole('button', { name: 'Invite to the portal' }).click();
    const link = await access.locator('.token-shown code').textContent();
    await access.locator('li', { hasText: 'Dana Whitfield' }).getByRole('button', { name: 'Revoke' }).waitFor();
    await ownerPage.screenshot({ path: new URL('portal-invite.png', SHOTS).pathname });

    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(link);
    await phone.getByLabel('Choose a password').fill('portal-password-1');
    await phone.getByLabel('Type it again').fill('portal-password-1');
    await phone.getByRole('button', { name: 'Set password and sign in' }).click();
    await phone.getByRole('heading', { name: 'Home' }).waitFor();
    assert.match(phone.url(), /#\/home$/);
    for (const [key, heading, shows] of [['home', 'Home', partner.company], ['referrals', 'Referrals', 'Sam Lee'],
      ['intros', 'Intros', 'Sam Lee (Acme)'], ['campaigns', 'Campaigns', 'Joint webinar'], ['customers', 'Customers', 'Globex']]) {
      await phone.goto(`${ORIGIN}/#/${key}`);
      await phone.getByRole('heading', { name: heading, level: 2 }).waitFor();
      await phone.getByText(shows).first().waitFor();
      const text = await phone.locator('body').innerText();
      assert.ok(!/never shown|internal only|notes|score/i.test(text), `${key} shows nothing internal`);
      await axe(phone, `portal ${key}`);
      await phone.screenshot({ path: new URL(`portal-${key}-phone.png`, SHOTS).pathname, fullPage: true });
    }

    await phone.goto(`${ORIGIN}/#/referrals`);
    const form = phone.locator('form.portal-form');
    await form.getByRole('button', { name: 'Register the lead' }).click();
    await form.locator('.field[data-field="leadName"] .field-error', { hasText: 'is required' }).waitFor();
    await form.getByLabel('Lead name').fill('Grace Hopper');
    await form.getByLabel('Company').fill(unique('Navy Labs'));
    await form.getByLabel('Expected value').fill('12000');
    await form.getByLabel('Message for your partner manager').fill('Ready to buy this quarter.');
    await form.getByRole('button', { name: 'Register the lead' }).click();
    await phone.locator('table tbody tr', { hasText: 'Grace Hopper' }).waitFor();

    await phone.goto(`${ORIGIN}/#/intros`);
    await phone.locator('.intro-card', { hasText: 'Sam Lee' }).getByRole('button', { name: 'Accept the intro' }).click();
    await phone.locator('.intro-card', { hasText: 'Sam Lee' }).getByText(/You accepted on/).waitFor();
    await phone.context().close();

    assert.equal((await owner.get(`/referrals/${intro.id}`)).json.partnerOptIn, true);
    await ownerPage.goto(`${ORIGIN}/#/overview`);
    await ownerPage.reload();   /* the owner comes back to the app later */
    const activity = ownerPage.locator('.partner-activity');
    await activity.getByText('From your partners: 2 since you last looked').waitFor();
    await activity.getByRole('link', { name: 'Dana Whitfield accepted an intro' }).waitFor();
    await ownerPage.screenshot({ path: new URL('portal-owner-overview.png', SHOTS).pathname });
    await activity.getByRole('link', { name: 'Dana Whitfield registered the lead Grace Hopper' }).click();
    const panel = ownerPage.locator('dialog.panel[data-collection="referrals"]');
    await panel.waitFor();
    await panel.getByRole('tab', { name: 'History' }).click();
    await panel.locator('.history-list li', { hasText: 'Dana Whitfield' }).waitFor();
    await panel.locator('.panel-head button[aria-label="Close"]').click();
    await activity.getByRole('button', { name: 'Mark as seen' }).click();
    await ownerPage.reload();
    await ownerPage.locator('.callout .figure').first().waitFor();
    await ownerPage.waitForLoadState('networkidle');
    assert.equal(await ownerPage.locator('.partner-activity:not([hidden])').count(), 0, 'seen, it is gone');
    await ownerPage.context().close();
    assert.deepEqual(problems, []);
  });
});
