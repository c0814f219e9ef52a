// 🔧 Integrations: active integrations, the five-phase playbook as
// checklists, and the ideas backlog by customer requests.

import { dataTable } from '../components/table.js';
import { newButton, opener, pageHeading, playbook, refresher } from './common.js';

export default {
  title: 'Integrations',
  render(main) {
    const page = refresher();
    const open = opener(page);
    main.append(
      pageHeading('Integrations', 'Technical connections between products: a better product for mutual customers.',
        newButton('New integration', () => open('integrations', null)),
        newButton('New idea', () => open('integration-ideas', null))),
      page.add(dataTable({
        collection: 'integrations',
        title: 'Active integrations',
        columns: ['partnerId', 'name', 'type', 'status', 'apiVersion', 'sharedCustomers', 'health'],
        sort: 'status',
        onOpen: (r) => open('integrations', r),
        empty: 'No integration yet.',
      })).element,
      playbook(page, 'integration', {
        title: 'Integration playbook',
        intro: 'Five phases from the first technical call to ongoing upkeep; start a phase for a partner.',
        started: 'Phases in progress',
        empty: 'No playbook phase started yet.',
      }),
      page.add(dataTable({
        collection: 'integration-ideas',
        title: 'Integration ideas (backlog)',
        noun: ['idea', 'ideas'],
        columns: ['partnerId', 'description', 'customerRequestCount', 'effort', 'priority'],
        sort: '-customerRequestCount',
        onOpen: (r) => open('integration-ideas', r),
        empty: 'No ideas yet: note what customers ask for with “New idea”.',
      })).element);
  },
};
