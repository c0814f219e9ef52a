// 🔄 Referrals & Intros: referral partners, inbound and outbound referrals
// (with the double opt-in of each intro), the agreement template, and the
// intro request text filled from a referral, ready to copy.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { dataTable } from '../components/table.js';
import { templateBlock, templatesOf } from '../components/template.js';
import { toast } from '../components/toast.js';
import { newButton, opener, pageHeading, refresher, section } from './common.js';

function optIn(record) {
  const both = record.leadOptIn && record.partnerOptIn;
  const text = both ? 'Both opted in' : record.leadOptIn ? 'Waiting for the partner' : record.partnerOptIn ? 'Waiting for the lead' : 'Ask both sides';
  return h('span', { class: `badge ${both ? 'badge-healthy' : 'badge-at_risk'}` }, text);
}

function introComposer() {
  const selectId = uid('intro-referral');
  const textId = uid('intro-text');
  const select = h('select', { id: selectId });
  const text = h('textarea', { id: textId, rows: 8, readonly: true });
  const state = h('p', { class: 'muted' });
  const copy = h('button', {
    type: 'button',
    disabled: true,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text.value);
        toast('Intro text copied.');
      } catch {
        text.select();
        toast('Select all and copy (Ctrl+C): the browser did not allow copying.');
      }
    },
  }, 'Copy');
  async function show() {
    if (!select.value) { text.value = ''; copy.disabled = true; state.textContent = ''; return; }
    const intro = await api.get(`referrals/${select.value}/intro`);
    text.value = intro.text;
    copy.disabled = false;
    state.textContent = intro.leadOptIn && intro.partnerOptIn
      ? 'Both sides have opted in: you can make the intro.'
      : 'Double opt-in: ask both sides before connecting them (record it on the referral).';
  }
  select.addEventListener('change', show);
  async function reload() {
    const page = await api.get('referrals', { sort: '-referredDate', limit: 100 });
    const keep = select.value;
    select.replaceChildren(h('option', { value: '' }, page.items.length ? 'Choose a referral…' : 'No referral yet'),
      ...page.items.map((r) => h('option', { value: r.id }, `${r.leadName}${r.leadCompany ? ` (${r.leadCompany})` : ''} → ${r.partner}`)));
    if (keep) { select.value = keep; show(); }
  }
  reload();
  return {
    reload,
    element: h('div', { class: 'intro' },
      h('div', { class: 'field' }, h('label', { for: selectId }, 'Referral'), select),
      h('div', { class: 'field' }, h('label', { for: textId }, 'Intro request'), text),
      state, copy),
  };
}

export default {
  title: 'Referrals & Intros',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const [agreement, introTemplate] = [templatesOf('referral').find((t) => t.key === 'referral_agreement'), templatesOf('referral').find((t) => t.key === 'intro_request')];
    const composer = page.add(introComposer());
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
          { field: 'leadOptIn', label: 'Double opt-in', render: optIn }],
        sort: '-referredDate',
        onOpen: (r) => open('referrals', r),
        empty: 'No intro made yet.',
      })).element,
      h('section', { class: 'block' }, templateBlock(agreement, { startable: false, open: true })),
      section('Intro request', 'Pick a referral: the template is filled from it and its partner. Placeholders left in brackets are yours to fill.',
        templateBlock(introTemplate, { startable: false }), composer.element));
  },
};
