// 👥 Customer Sharing: the shared customer map, the cross-sell playbook and
// the bundle offer template.

import { dataTable } from '../components/table.js';
import { newButton, opener, pageHeading, playbook, refresher } from './common.js';

export default {
  title: 'Customer Sharing',
  render(main) {
    const page = refresher();
    const open = opener(page);
    main.append(
      pageHeading('Customer Sharing', 'Complementary products, the same customers: bundles, cross-sell, shared onboarding.',
        newButton('New shared customer', () => open('shared-customers', null))),
      page.add(dataTable({
        collection: 'shared-customers',
        title: 'Shared customer map',
        noun: ['shared customer', 'shared customers'],
        columns: ['customer', 'partnerId', 'yourProduct', 'partnerProduct', 'jointRevenue', 'health'],
        sort: 'customer',
        onOpen: (r) => open('shared-customers', r),
        empty: 'No shared customer yet.',
      })).element,
      playbook(page, 'customer_sharing', {
        title: 'Cross-sell playbook and bundle offer',
        intro: 'Start one for a partner to track it.',
        started: 'In progress',
        empty: 'No playbook started yet.',
      }));
  },
};
