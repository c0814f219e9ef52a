// The trash: deleted records of each kind, restored with one click.
// Deleting a partner deletes what is attached to it; restoring brings it back.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { dataTable } from '../components/table.js';
import { recordName } from '../components/panel.js';
import { dismissFor, toast } from '../components/toast.js';
import { pageHeading } from './common.js';

const KINDS = [
  ['partners', ['company', 'type', 'status']],
  ['campaigns', ['name', 'partnerId', 'status']],
  ['referrals', ['leadName', 'partnerId', 'direction']],
  ['integrations', ['name', 'partnerId', 'status']],
  ['integration-ideas', ['description', 'partnerId']],
  ['shared-customers', ['customer', 'partnerId']],
  ['checklists', ['title', 'partnerId']],
];

export default {
  title: 'Trash',
  render(main) {
    const selectId = uid('trash-kind');
    const select = h('select', { id: selectId }, KINDS.map(([name]) => h('option', { value: name }, format.label(name))));
    const holder = h('div');
    function show() {
      const [name, columns] = KINDS.find(([n]) => n === select.value);
      const table = dataTable({
        collection: name,
        title: `Deleted ${format.label(name).toLowerCase()}`,
        query: { deleted: 'true' },
        columns: [...columns, 'deletedAt'],
        sort: '-deletedAt',
        empty: 'The trash is empty.',
        actions: (record, reload) => h('button', {
          type: 'button',
          onclick: async () => {
            try {
              await api.post(`${name}/${record.id}/restore`);
              dismissFor(record.id);   /* its Undo, if still up, would restore it twice */
              toast(`Restored “${recordName(record)}”.`);
              reload();
            } catch (e) {
              toast(e.status === 409 ? `${e.message} Restore its partner first.` : `Not restored: ${e.message}`);
            }
          },
        }, 'Restore'),
      });
      holder.replaceChildren(table.element);
    }
    select.addEventListener('change', show);
    main.append(
      pageHeading('Trash', 'Deleted records stay here until you restore them. Restoring a partner restores what was deleted with it.'),
      h('div', { class: 'field inline' }, h('label', { for: selectId }, 'Show'), select),
      holder);
    show();
  },
};
