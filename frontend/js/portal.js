// The partner portal in the browser: what a partner's contact (a user of
// the role partner) sees once signed in, in place of the team's app.  Its
// own small set of pages, each with an address (#/home, #/referrals,
// #/intros, #/campaigns, #/customers), over the portal's API only:
//
//   Home       their partnership, their partner manager, the figures, and
//              the intros waiting for their answer
//   Referrals  register a lead; every referral both ways, with its status
//              and commission
//   Intros     leads the company would introduce to them: accept or
//              decline each, once
//   Campaigns  the campaigns run with them
//   Customers  the customers they share

import { api } from './api.js';
import { h, fill, uid } from './dom.js';
import * as format from './format.js';
import { toast } from './components/toast.js';
import { confirmAction } from './components/confirm.js';
import { me, signOut } from './session.js';
import { pageHeading, section } from './views/common.js';

const PAGES = [
  ['home', 'Home', home],
  ['referrals', 'Referrals', referrals],
  ['intros', 'Intros', intros],
  ['campaigns', 'Campaigns', campaigns],
  ['customers', 'Customers', customers],
];

let frame = null;

export function startPortal(app, onSignedOut) {
  const user = me();
  const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' },
    h('ul', null, PAGES.map(([key, title]) => h('li', null, h('a', { href: `#/${key}`, dataset: { page: key } }, title)))));
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(app,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'top' },
      h('h1', null, h('a', { href: '#/home', class: 'brand' }, 'Partner portal')),
      h('div', { class: 'who' },
        h('span', { class: 'user-name' }, user.name),
        h('button', { type: 'button', onclick: async () => { await signOut(); frame = null; location.hash = ''; onSignedOut(); } }, 'Sign out'))),
    nav, main);
  frame = { nav, main };
  window.addEventListener('hashchange', show);
  show();
}

function show() {
  if (!frame) return;
  const key = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'home';
  const found = PAGES.find(([k]) => k === key);
  for (const link of frame.nav.querySelectorAll('a')) {
    if (link.dataset.page === key) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  frame.main.replaceChildren();
  if (!found) {
    document.title = 'Page not found · Partner portal';
    frame.main.append(h('section', { class: 'problem' }, h('h2', { tabindex: -1 }, 'There is no such page'),
      h('p', null, h('a', { href: '#/home' }, 'Go to the home page'))));
  } else {
    document.title = `${found[1]} · Partner portal`;
    found[2](frame.main);
  }
  frame.main.querySelector('h2')?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// A table of rows: columns [{label, value(row) → node or text, numeric}].
function table(caption, columns, rows, empty) {
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption }, h('table', null,
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
    h('tbody', null, rows.length
      ? rows.map((row) => h('tr', null, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.value(row)))))
      : h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty)))));
}

const badge = (value) => h('span', { class: `badge badge-${value}` }, format.label(value));
const money = (value) => (value === null || value === undefined ? '—' : format.money(value));
const day = (value) => (value ? format.date(value) : '—');

function failed(main, e) {
  main.append(h('p', { class: 'form-error', role: 'alert' }, `Could not load this page: ${e.message}`));
}

async function home(main) {
  main.append(pageHeading('Home', 'Your partnership at a glance.'));
  let portal;
  try { portal = await api.get('portal'); } catch (e) { failed(main, e); return; }
  const { partner, manager, figures } = portal;
  const figure = (value, label, href) => h(href ? 'a' : 'div', { class: 'figure', href },
    h('span', { class: 'figure-value' }, value), h('span', { class: 'figure-label' }, label));
  main.append(
    h('section', { class: 'callout', 'aria-label': 'Your figures' },
      figure(format.number(figures.referralsMade), 'Leads you referred', '#/referrals'),
      figure(format.number(figures.conversions), 'Of them converted', '#/referrals'),
      figure(format.money(figures.revenueAttributed), 'Revenue attributed'),
      figure(format.money(figures.commissionPaid), 'Commission paid'),
      figure(format.number(figures.referralsReceived), 'Leads introduced to you', '#/intros'),
      figure(format.number(figures.pendingIntros), 'Intros waiting for your answer', '#/intros')),
    section('Your partnership', null, h('dl', { class: 'figures' }, [
      ['Company', partner.company],
      ['Type', format.label(partner.type)],
      ['Status', badge(partner.status)],
      ['Tier', format.label(partner.tier)],
      ['Commission', partner.commissionRate || '—'],
      ['Agreement', partner.agreementUrl
        ? h('a', { href: partner.agreementUrl, rel: 'noopener noreferrer', target: '_blank' }, 'Open the agreement') : '—'],
    ].map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value))))),
    manager ? section('Your partner manager', null, h('p', null, `${manager.name} · `,
      h('a', { href: `mailto:${manager.email}` }, manager.email))) : null);
  if (figures.pendingIntros > 0) {
    main.append(section('Waiting for your answer', null,
      h('p', null, `${format.number(figures.pendingIntros)} intro${figures.pendingIntros === 1 ? '' : 's'} to answer. `,
        h('a', { href: '#/intros' }, 'Answer them'))));
  }
}

function registerForm(onRegistered) {
  const fields = [
    ['leadName', 'Lead name', { required: true, maxlength: 200, autocomplete: 'off' }],
    ['leadCompany', 'Company', { maxlength: 200, autocomplete: 'off' }],
    ['leadEmail', 'Email', { type: 'email', maxlength: 254, autocomplete: 'off' }],
    ['dealValue', 'Expected value', { type: 'number', min: 0, step: '0.01', inputmode: 'decimal' }],
  ].map(([name, label, props]) => {
    const id = uid(name);
    const errorId = `${id}-error`;
    const input = h('input', { id, name, 'aria-describedby': errorId, ...props });
    const error = h('p', { id: errorId, class: 'field-error' });
    return { name, input, error, element: h('div', { class: 'field', dataset: { field: name } }, h('label', { for: id }, label), input, error) };
  });
  const messageId = uid('message');
  const message = h('textarea', { id: messageId, name: 'message', rows: 3, maxlength: 5000 });
  const messageError = h('p', { class: 'field-error' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Register the lead');
  const form = h('form', {
    class: 'portal-form',
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = messageError.textContent = '';
      for (const f of fields) { f.error.textContent = ''; f.input.removeAttribute('aria-invalid'); }
      const body = {};
      let bad = false;
      for (const f of fields) {
        const value = f.input.value.trim();
        if (f.name === 'dealValue') {
          if (f.input.validity.badInput) { f.error.textContent = 'must be a number'; f.input.setAttribute('aria-invalid', 'true'); bad = true; }
          else if (value) body.dealValue = Number(value);
        } else if (value) body[f.name] = value;
      }
      if (!body.leadName) { fields[0].error.textContent = 'is required'; fields[0].input.setAttribute('aria-invalid', 'true'); bad = true; }
      if (message.value.trim()) body.message = message.value.trim();
      if (bad) { form.querySelector('[aria-invalid="true"]')?.focus(); return; }
      submit.disabled = true;
      try {
        const made = await api.post('portal/referrals', body);
        form.reset();
        toast(`Registered ${made.leadName}. Your partner manager sees it now.`);
        onRegistered(made);
      } catch (e) {
        for (const [name, text] of Object.entries(e.fields || {})) {
          const f = fields.find((x) => x.name === name);
          if (f) { f.error.textContent = text; f.input.setAttribute('aria-invalid', 'true'); } else if (name === 'message') messageError.textContent = text;
        }
        error.textContent = e.status === 409 ? `Not registered: ${e.message}.` : Object.keys(e.fields || {}).length ? 'Some fields need a change.' : e.message;
        form.querySelector('[aria-invalid="true"]')?.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div', { class: 'form-grid' }, fields.map((f) => f.element)),
  h('div', { class: 'field' }, h('label', { for: messageId }, 'Message for your partner manager'), message, messageError),
  error, h('div', { class: 'form-actions' }, submit));
  return form;
}

async function referrals(main) {
  const listBox = h('div');
  const directionId = uid('direction');
  const direction = h('select', { id: directionId },
    h('option', { value: '' }, 'Both ways'), h('option', { value: 'inbound' }, 'Leads you referred'),
    h('option', { value: 'outbound' }, 'Leads introduced to you'));
  async function load() {
    try {
      const page = await api.get('portal/referrals', direction.value ? { direction: direction.value, limit: 500 } : { limit: 500 });
      listBox.replaceChildren(table('Your referrals', [
        { label: 'Lead', value: (r) => r.leadName },
        { label: 'Company', value: (r) => r.leadCompany || '—' },
        { label: 'Way', value: (r) => (r.direction === 'inbound' ? 'You referred' : 'Introduced to you') },
        { label: 'Status', value: (r) => badge(r.status) },
        { label: 'Value', value: (r) => money(r.dealValue), numeric: true },
        { label: 'Referred', value: (r) => day(r.referredDate) },
        { label: 'Commission', value: (r) => (r.commissionAmount === null ? '—' : `${money(r.commissionAmount)}${r.commissionPaid ? ' · paid' : ''}`), numeric: true },
      ], page.items, 'No referral yet.'),
      ...(page.total > page.items.length ? [h('p', { class: 'muted' }, `The newest ${page.items.length} of ${page.total}.`)] : []));
    } catch (e) {
      listBox.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, `Could not load your referrals: ${e.message}`));
    }
  }
  direction.addEventListener('change', load);
  main.append(
    pageHeading('Referrals', 'Register a lead you send us, and follow every referral both ways.'),
    section('Register a lead', 'A lead another partner registered recently cannot be registered again.', registerForm(load)),
    section('Your referrals', null, h('div', { class: 'field inline' }, h('label', { for: directionId }, 'Show'), direction), listBox));
  load();
}

async function intros(main) {
  const listBox = h('div', { class: 'intro-list' });
  async function load() {
    let page;
    try { page = await api.get('portal/referrals', { direction: 'outbound', limit: 500 }); } catch (e) { failed(listBox, e); return; }
    if (!page.items.length) { listBox.replaceChildren(h('p', { class: 'muted' }, 'No intro yet.')); return; }
    listBox.replaceChildren(...page.items.map((r) => {
      const name = `${r.leadName}${r.leadCompany ? ` (${r.leadCompany})` : ''}`;
      const answer = async (accept) => {
        if (!accept && !await confirmAction({ title: `Decline ${name}?`, text: 'We will not introduce this lead to you. You answer once.', action: 'Decline' })) return;
        try {
          await api.post(`portal/intros/${r.id}`, { accept });
          toast(accept ? `Accepted: we will introduce ${name}.` : `Declined ${name}.`);
        } catch (e) {
          toast(e.message);
        }
        load();
      };
      const state = r.partnerAnsweredAt
        ? h('p', null, `You ${r.partnerOptIn ? 'accepted' : 'declined'} on ${format.timestamp(r.partnerAnsweredAt)}.`)
        : r.partnerOptIn ? h('p', null, 'Accepted.')
        : ['converted', 'lost'].includes(r.status) ? h('p', { class: 'muted' }, 'Closed.')
        : h('div', { class: 'form-actions' },
          h('button', { type: 'button', class: 'primary', onclick: () => answer(true) }, 'Accept the intro'),
          h('button', { type: 'button', onclick: () => answer(false) }, 'Decline'));
      return h('article', { class: 'card intro-card', dataset: { id: r.id } },
        h('h3', null, name), h('p', { class: 'muted' }, `Offered ${day(r.referredDate)} · `, badge(r.status)), state);
    }));
  }
  main.append(pageHeading('Intros', 'Leads we would like to introduce to you. Say whether you want each one: we connect you only when both sides agree.'), listBox);
  load();
}

async function campaigns(main) {
  main.append(pageHeading('Campaigns', 'The campaigns we run together.'));
  let page;
  try { page = await api.get('portal/campaigns'); } catch (e) { failed(main, e); return; }
  main.append(h('section', { class: 'block' }, table('Campaigns', [
    { label: 'Campaign', value: (c) => c.name },
    { label: 'Type', value: (c) => format.label(c.type) },
    { label: 'Status', value: (c) => badge(c.status) },
    { label: 'Starts', value: (c) => day(c.startDate) },
    { label: 'Ends', value: (c) => day(c.endDate) },
    { label: 'Deliverables', value: (c) => (c.deliverables.length ? h('ul', { class: 'bullets' }, c.deliverables.map((d) => h('li', null, d))) : '—') },
  ], page.items, 'No campaign yet.')));
}

async function customers(main) {
  main.append(pageHeading('Customers', 'The customers we share.'));
  let page;
  try { page = await api.get('portal/shared-customers'); } catch (e) { failed(main, e); return; }
  main.append(h('section', { class: 'block' }, table('Shared customers', [
    { label: 'Customer', value: (c) => c.customer },
    { label: 'Health', value: (c) => (c.health ? badge(c.health) : '—') },
  ], page.items, 'No shared customer yet.')));
}
