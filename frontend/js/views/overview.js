// 📊 Overview: the callout, all partners as a table, and the partner pipeline.

import { api } from '../api.js';
import { h } from '../dom.js';
import * as format from '../format.js';
import { dataTable } from '../components/table.js';
import { kanban } from '../components/kanban.js';
import { allUsers, isAdmin, me } from '../session.js';
import { newButton, opener, pageHeading, refresher } from './common.js';

export function callout() {
  const element = h('section', { class: 'callout', 'aria-label': 'Summary' });
  const figure = (name, value, note, href) => h(href ? 'a' : 'div', { class: 'figure', href, dataset: { figure: name } },
    h('span', { class: 'figure-value' }, value), h('span', { class: 'figure-label' }, note));
  async function reload() {
    try {
      const o = await api.get('overview');
      element.replaceChildren(
        figure('activePartners', format.number(o.activePartners), 'Active partners'),
        figure('revenueAttributed', format.money(o.revenueAttributed), 'Revenue attributed'),
        figure('introsMade', format.number(o.introsMade), 'Intros made'),
        figure('reviewsDue', format.number(o.reviewsDue), 'Reviews due', '#/review'));
    } catch (e) {
      element.replaceChildren(h('p', { class: 'form-error' }, e.message));
    }
  }
  reload();
  return { element, reload };
}

// What partners' contacts did in the portal since this user last looked
// (leads registered, intros answered), from the oplog feed of their role's
// rows, each linking to its record.  "Last looked" is the feed position kept
// in this browser when the user marks them seen.
const SEEN_KEY = () => `partnerships.portalSeen.${me().id}`;

export function partnerActivity() {
  const element = h('section', { class: 'block partner-activity', hidden: true, 'aria-label': 'From your partners' });
  async function reload() {
    const contacts = new Map(allUsers().filter((u) => u.role === 'partner').map((u) => [u.id, u]));
    if (!contacts.size) { element.hidden = true; return; }
    let since = Number(localStorage.getItem(SEEN_KEY()) || 0);
    const done = [];
    let last = since;
    try {
      for (let pages = 0; pages < 20; pages++) {
        const feed = await api.get('oplog', { since, limit: 500, actorRole: 'partner' });
        for (const row of feed.items) {
          last = Math.max(last, row.seq);
          if (row.entity === 'referrals' && contacts.has(row.actor?.id)) done.push(row);
        }
        if (feed.items.length < 500) break;
        since = feed.items[feed.items.length - 1].seq;
      }
    } catch {
      element.hidden = true;
      return;
    }
    if (!done.length) { element.hidden = true; return; }
    const what = (row) => {
      const lead = row.changes?.leadName?.[1];
      if (row.op === 'insert') return `registered the lead ${lead || ''}`.trim();
      const answer = row.changes?.partnerOptIn?.[1];
      return answer === true ? 'accepted an intro' : answer === false ? 'declined an intro' : 'changed a referral';
    };
    element.replaceChildren(
      h('h3', null, `From your partners: ${format.number(done.length)} since you last looked`),
      h('ul', { class: 'activity-list' }, done.slice(-20).reverse().map((row) => h('li', null,
        h('a', { href: `#/overview/referrals/${encodeURIComponent(row.recordId)}` },
          `${contacts.get(row.actor.id).name} ${what(row)}`),
        h('span', { class: 'muted small' }, ` · ${format.timestamp(row.at)}`)))),
      h('button', { type: 'button', onclick: () => { localStorage.setItem(SEEN_KEY(), String(last)); element.hidden = true; } }, 'Mark as seen'));
    element.hidden = false;
  }
  reload();
  return { element, reload };
}

export default {
  title: 'Overview',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const columns = ['company', 'type', 'status', 'contactName', 'revenueAttributed', 'lastSync'];
    if (isAdmin()) columns.push('ownerUserId');
    const board = kanban({
      collection: 'partners',
      title: 'Partner pipeline',
      onOpen: (r) => open('partners', r),
      onAdd: (status) => open('partners', null, { status }),
      subtitle: (p) => [format.label(p.type), p.revenueAttributed ? format.money(p.revenueAttributed) : null].filter(Boolean).join(' · '),
      cardFields: ['type', 'revenueAttributed'],
      onMoved: () => page.refresh(board),
    });
    main.append(
      pageHeading('Overview', 'Every partner you work with, where each stands, and what they bring in.',
        newButton('New partner', () => open('partners', null))),
      page.add(callout()).element,
      page.add(partnerActivity()).element,
      page.add(dataTable({ collection: 'partners', title: 'Partners', columns, sort: 'company', onOpen: (r) => open('partners', r), empty: 'No partners yet: add the first with “New partner”.' })).element,
      page.add(board).element);
  },
};
