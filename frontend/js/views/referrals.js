// 🔄 Referrals & Intros: referral partners, inbound and outbound referrals
// (with the double opt-in of each intro), the referral agreement filled for
// a partner, and the intro request filled from an outbound referral, each
// editable and ready to copy.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { dataTable } from '../components/table.js';
import { templateBlock, templatesOf } from '../components/template.js';
import { composer } from '../components/composer.js';
import { newButton, opener, pageHeading, refresher, section } from './common.js';

function optIn(record) {
  const both = record.leadOptIn && record.partnerOptIn;
  const text = both ? 'Both opted in' : record.leadOptIn ? 'Waiting for the partner' : record.partnerOptIn ? 'Waiting for the lead' : 'Ask both sides';
  return h('span', { class: `badge ${both ? 'badge-healthy' : 'badge-at_risk'}` }, text);
}

// The intro request: only for an outbound referral (a lead you send to the
// partner); the server fills the seed's text from it and its partner.
function introComposer() {
  return composer({
    label: 'Outbound referral',
    textLabel: 'Intro request (yours to edit before you copy it)',
    empty: 'No outbound referral yet',
    choices: async () => (await api.get('referrals', { direction: 'outbound', sort: '-referredDate', limit: 100, fields: 'leadName,leadCompany,partner' })).items
      .map((r) => ({ value: r.id, label: `${r.leadName}${r.leadCompany ? ` (${r.leadCompany})` : ''} → ${r.partner}` })),
    fill: async (id) => {
      const intro = await api.get(`referrals/${id}/intro`);
      return {
        text: intro.text,
        note: intro.leadOptIn && intro.partnerOptIn
          ? 'Both sides have opted in: you can make the intro.'
          : 'Double opt-in: ask both sides before connecting them (record it on the referral).',
      };
    },
  });
}

// The referral agreement, filled for one referral partner: the parties (your
// company, remembered in this browser, and the partner) and the partner's
// commission rate; every other term as the template words it.
const OUR_COMPANY = 'partnerships.ourCompany';
export function agreementText(template, partner, ourCompany) {
  const rate = partner.commissionRate;
  const lines = template.items.map((item) => {
    let line = item.replace('[Your Company]', ourCompany || '[Your Company]').replace('[Partner]', partner.company);
    if (rate && line.startsWith('Commission:')) {
      line = /%$/.test(rate) ? line.replace(/X% of first-year revenue \(or flat fee\)/, `${rate} of first-year revenue`) : `Commission: ${rate}`;
    }
    return `- ${line}`;
  });
  return `Referral agreement between ${ourCompany || '[Your Company]'} and ${partner.company}\n\n${lines.join('\n')}\n`;
}

function agreementComposer(template) {
  const ourId = uid('our-company');
  const ours = h('input', { id: ourId, value: localStorage.getItem(OUR_COMPANY) || '', maxlength: 200, autocomplete: 'organization' });
  ours.addEventListener('change', () => localStorage.setItem(OUR_COMPANY, ours.value.trim()));
  let partners = [];
  return composer({
    label: 'Referral partner',
    textLabel: 'Agreement (yours to edit before you copy it)',
    empty: 'No referral partner yet',
    extra: [{ input: ours, element: h('div', { class: 'field' }, h('label', { for: ourId }, 'Your company'), ours) }],
    choices: async () => {
      partners = (await api.get('partners', { type: 'referral', sort: 'company', limit: 500, fields: 'company,commissionRate' })).items;
      return partners.map((p) => ({ value: p.id, label: p.company }));
    },
    fill: async (id) => {
      const partner = partners.find((p) => p.id === id) || await api.get(`partners/${id}`);
      return {
        text: agreementText(template, partner, ours.value.trim()),
        note: partner.commissionRate ? `Commission from ${partner.company}'s record: ${partner.commissionRate}.`
          : `${partner.company} has no commission rate yet: set it on the partner, or write it here.`,
      };
    },
  });
}

export default {
  title: 'Referrals & Intros',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const [agreement, introTemplate] = [templatesOf('referral').find((t) => t.key === 'referral_agreement'), templatesOf('referral').find((t) => t.key === 'intro_request')];
    const intro = page.add(introComposer());
    const filledAgreement = page.add(agreementComposer(agreement));
    main.append(
      pageHeading('Referrals & Intros', 'Warm leads both ways. Track them in both directions: partners who only take should be reclassified.',
        newButton('New referral', () => open('referrals', null))),
      page.add(dataTable({
        collection: 'partners',
        title: 'Referral partners',
        query: { type: 'referral' },
        // The playbook's Referral Partner List: company, contact, referrals,
        // conversions, commission paid; then the balance and the rate.
        columns: ['company', 'contactName', { field: 'referralsMade', label: 'Referrals in' }, { field: 'referralsReceived', label: 'Referrals out' },
          'conversions', 'commissionPaid', 'referralBalance', 'oneSided', 'commissionRate', 'revenueAttributed'],
        sort: 'company',
        onOpen: (r) => open('partners', r),
        empty: 'No partner of type Referral / Intros yet.',
      })).element,
      page.add(dataTable({
        collection: 'referrals',
        title: 'Inbound referrals',
        query: { direction: 'inbound' },
        columns: ['leadName', { field: 'partnerId', label: 'Referred by' }, { field: 'referredDate', label: 'Date' }, 'status', 'dealValue', 'commissionPaid'],
        sort: '-referredDate',
        onOpen: (r) => open('referrals', r),
        empty: 'No partner has sent a lead yet.',
      })).element,
      page.add(dataTable({
        collection: 'referrals',
        title: 'Outbound referrals',
        query: { direction: 'outbound' },
        columns: ['leadName', { field: 'partnerId', label: 'Referred to' }, { field: 'referredDate', label: 'Date' }, 'status', 'reciprocated',
          { field: 'leadOptIn', label: 'Double opt-in', render: optIn, needs: ['partnerOptIn'] }],
        sort: '-referredDate',
        onOpen: (r) => open('referrals', r),
        empty: 'No intro made yet.',
      })).element,
      section('Referral agreement', 'Pick a referral partner: the template is filled with the parties and its commission rate. Edit it, then copy it into your document.',
        templateBlock(agreement, { startable: false }), filledAgreement.element),
      section('Intro request', 'Pick an outbound referral (a lead you send to a partner): the template is filled from it and its partner. Placeholders left in brackets are yours to fill.',
        templateBlock(introTemplate, { startable: false }), intro.element));
  },
};
