// Due for review: partners whose nextReview is today or past, then the next
// 30 days (the seed's tip: filter by nextReview to see who needs a check-in).

import { dataTable } from '../components/table.js';
import { isAdmin } from '../session.js';
import { opener, pageHeading, refresher } from './common.js';

function inDays(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export default {
  title: 'Reviews due',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const columns = ['company', 'status', 'nextReview', 'contactName', 'engagement'];
    if (isAdmin()) columns.push('ownerUserId');
    main.append(
      pageHeading('Reviews due', 'Partners whose check-in is due. Set the next review on the partner when it is done.'),
      page.add(dataTable({ collection: 'partners', title: 'Due now', query: { reviewDue: 'true' }, columns, sort: 'nextReview', onOpen: (r) => open('partners', r), empty: 'No review is due.' })).element,
      page.add(dataTable({ collection: 'partners', title: 'Coming up (30 days)', query: { nextReviewBefore: inDays(31), reviewDue: 'false' }, columns, sort: 'nextReview', onOpen: (r) => open('partners', r), empty: 'Nothing in the next 30 days.' })).element);
  },
};
