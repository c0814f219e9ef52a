// 📊 Partner Performance: computed metrics per partner, a chart of revenue
// and ROI, partnership scoring, and the quarterly review.

import { api } from '../api.js';
import { h, svg } from '../dom.js';
import * as format from '../format.js';
import { dataTable } from '../components/table.js';
import { opener, pageHeading, playbook, refresher, section } from './common.js';

// Revenue as bars, ROI as a second bar beside it, for the top partners.
function chart() {
  const element = h('figure', { class: 'chart' });
  async function reload() {
    const { items } = await api.get('performance', { sort: '-revenue', limit: 10 });
    const rows = items.filter((r) => Number(r.revenue) > 0 || r.roi !== null);
    if (!rows.length) {
      element.replaceChildren(h('p', { class: 'muted' }, 'No revenue or campaign ROI recorded yet.'));
      return;
    }
    const maxRevenue = Math.max(...rows.map((r) => Number(r.revenue)), 1);
    const maxRoi = Math.max(...rows.map((r) => Math.abs(Number(r.roi || 0))), 0.01);
    const rowHeight = 34;
    const labelWidth = 170;
    const half = 300;
    const width = labelWidth + half * 2 + 40;
    const height = rows.length * rowHeight + 30;
    const graphic = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-caption' },
      svg('text', { x: labelWidth, y: 14, class: 'axis' }, 'Revenue'),
      svg('text', { x: labelWidth + half + 20, y: 14, class: 'axis' }, 'ROI on campaigns with results'),
      rows.map((r, i) => {
        const y = 24 + i * rowHeight;
        const revenueWidth = (Number(r.revenue) / maxRevenue) * (half - 90);
        const roi = r.roi === null ? null : Number(r.roi);
        const roiWidth = roi === null ? 0 : (Math.abs(roi) / maxRoi) * (half - 90);
        return svg('g', null,
          svg('text', { x: labelWidth - 8, y: y + 16, 'text-anchor': 'end', class: 'label' }, r.company),
          svg('rect', { x: labelWidth, y: y + 4, width: Math.max(revenueWidth, 1), height: 16, class: 'bar-revenue' }),
          svg('text', { x: labelWidth + revenueWidth + 6, y: y + 16, class: 'value' }, format.moneyCompact(r.revenue)),
          roi === null
            ? svg('text', { x: labelWidth + half + 20, y: y + 16, class: 'value muted' }, 'no budget')
            : [svg('rect', { x: labelWidth + half + 20, y: y + 4, width: Math.max(roiWidth, 1), height: 16, class: roi < 0 ? 'bar-loss' : 'bar-roi' }),
              svg('text', { x: labelWidth + half + 26 + roiWidth, y: y + 16, class: 'value' }, format.percent(roi))]);
      }));
    element.replaceChildren(graphic,
      h('figcaption', { id: 'chart-caption' }, `Revenue and campaign ROI of the ${rows.length} partners with the most revenue`));
  }
  reload();
  return { element, reload };
}

const BANDS = [
  ['8+', 'invest', 'Invest heavily (dedicated partner manager)'],
  ['5–7', 'active', 'Active management (monthly syncs)'],
  ['2–4', 'lightweight', 'Lightweight (quarterly check-ins)'],
  ['<2', 'deprioritize', 'Deprioritize or sunset'],
];

export default {
  title: 'Partner Performance',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const openPartner = (r) => open('partners', { id: r.partnerId || r.id });
    main.append(
      pageHeading('Partner Performance', 'What each partnership is worth, and where to invest time.'),
      page.add(dataTable({
        collection: 'performance',
        title: 'Partners with calculated metrics',
        noun: ['partner', 'partners'],
        columns: ['company', 'type', 'referrals', 'revenue', 'campaigns', 'sharedCustomers', 'roi', 'score', 'engagement'],
        sort: '-revenue',
        onOpen: openPartner,
        needs: ['partnerId'],
        empty: 'No partner yet.',
      })).element,
      section('Revenue and ROI by partner', 'ROI = (revenue − budget) ÷ budget of the campaigns that have results: completed or archived, or with revenue recorded. A campaign still being planned is not counted yet.', page.add(chart()).element),
      section('Partnership scoring', 'Score = (Audience overlap + Strategic value) − Execution effort, each 1–5. Set the three axes on a partner to score it.',
        h('div', { class: 'two-up' },
          h('dl', { class: 'axes' },
            h('dt', null, 'Audience overlap (1–5)'), h('dd', null, 'How much does their audience match your ICP? 1 = no overlap, 5 = perfect match'),
            h('dt', null, 'Strategic value (1–5)'), h('dd', null, 'How much does this partnership strengthen your position? 1 = nice to have, 5 = critical to strategy'),
            h('dt', null, 'Execution effort (1–5)'), h('dd', null, 'How much work to activate and maintain? 1 = minimal, 5 = significant ongoing investment')),
          h('table', { class: 'bands' },
            h('caption', null, 'Engagement bands'),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Score'), h('th', { scope: 'col' }, 'Band'), h('th', { scope: 'col' }, 'What to do'))),
            h('tbody', null, BANDS.map(([score, band, text]) => h('tr', null, h('td', null, score), h('td', null, h('span', { class: `badge badge-${band}` }, format.label(band))), h('td', null, text)))))),
        page.add(dataTable({
          collection: 'partners',
          title: 'Scores',
          columns: ['company', 'audienceOverlap', 'strategicValue', 'executionEffort', 'score', 'engagement'],
          sort: '-score',
          onOpen: (r) => open('partners', r),
        })).element),
      playbook(page, 'review', {
        title: 'Quarterly review',
        intro: 'Start the review for a partner each quarter.',
        started: 'Reviews under way',
        empty: 'No quarterly review started yet.',
      }));
  },
};
