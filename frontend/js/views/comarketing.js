// 📝 Co-Marketing: active campaigns, the campaign templates as checklists to
// start for a partner, past results with ROI, and the campaign lifecycle.

import * as format from '../format.js';
import { dataTable } from '../components/table.js';
import { kanban } from '../components/kanban.js';
import { newButton, opener, pageHeading, playbook, refresher } from './common.js';

export default {
  title: 'Co-Marketing',
  render(main) {
    const page = refresher();
    const open = opener(page);
    const board = kanban({
      collection: 'campaigns',
      title: 'Campaign lifecycle',
      onOpen: (r) => open('campaigns', r),
      onAdd: (status) => open('campaigns', null, { status }),
      subtitle: (c) => [c.partner, c.revenue ? format.money(c.revenue) : null].filter(Boolean).join(' · '),
      cardFields: ['partner', 'revenue'],
      onMoved: () => page.refresh(board),
    });
    main.append(
      pageHeading('Co-Marketing', 'Joint content, campaigns and events: shared audiences, shared costs.',
        newButton('New campaign', () => open('campaigns', null))),
      page.add(dataTable({
        collection: 'campaigns',
        title: 'Active campaigns',
        query: { status: 'planning,creating,promoting' },
        columns: ['name', 'partnerId', 'channel', 'status', 'startDate', 'budget', 'leads'],
        sort: 'startDate',
        onOpen: (r) => open('campaigns', r),
        empty: 'No campaign is running: start one with “New campaign”.',
      })).element,
      playbook(page, 'campaign', {
        title: 'Campaign templates',
        intro: 'Open a template to read it; start it for a partner to track it as a checklist.',
        started: 'Started checklists',
        empty: 'No campaign checklist started yet: open a template above and start it for a partner.',
      }),
      page.add(dataTable({
        collection: 'campaigns',
        title: 'Past campaign results',
        query: { status: 'completed,archived' },
        columns: ['name', 'partnerId', 'leads', 'conversions', 'revenue', 'roi'],
        sort: '-endDate',
        onOpen: (r) => open('campaigns', r),
        empty: 'No campaign has finished yet.',
      })).element,
      page.add(board).element);
  },
};

