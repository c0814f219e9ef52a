// 📊 Overview: the callout, all partners as a table, and the partner pipeline.

import { api } from '../api.js';
import { h } from '../dom.js';
import * as format from '../format.js';
import { dataTable } from '../components/table.js';
import { kanban } from '../components/kanban.js';
import { isAdmin } from '../session.js';
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
      onMoved: () => page.refresh(board),
    });
    main.append(
      pageHeading('Overview', 'Every partner you work with, where each stands, and what they bring in.',
        newButton('New partner', () => open('partners', null))),
      page.add(callout()).element,
      page.add(dataTable({ collection: 'partners', title: 'Partners', columns, sort: 'company', onOpen: (r) => open('partners', r), empty: 'No partners yet: add the first with “New partner”.' })).element,
      page.add(board).element);
  },
};
