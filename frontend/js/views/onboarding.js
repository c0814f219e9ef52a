// 📋 Partner Onboarding: the new-partner checklist and the offboarding
// checklist of each partner.  Ticking the offboarding step "Update partner
// status to churned" does it (after asking); unticking offers it back.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { checklistCard, checklistList } from '../components/checklist.js';
import { templateBlock, templatesOf } from '../components/template.js';
import { partnerPicker } from '../components/picker.js';
import { toast } from '../components/toast.js';
import { confirmAction } from '../components/confirm.js';
import * as format from '../format.js';
import { pageHeading, refresher, section } from './common.js';

const CHURN_STEP = /status to "?churned"?/i;

// After a tick: the offboarding step that ends the partnership sets it,
// once the user says so; unticking it offers the status the partner had
// before (from its history).
async function churnWhenTicked(checklist, item) {
  if (checklist.templateKey !== 'partner_offboarding' || !item || !CHURN_STEP.test(item.text)) return;
  const partner = await api.get(`partners/${checklist.partnerId}`);
  if (item.done) {
    if (partner.status === 'churned') return;
    if (!await confirmAction({
      title: `Churn ${partner.company}?`,
      text: `Its status goes from ${format.label(partner.status)} to Churned. Unticking the step offers to put it back.`,
      action: 'Churn',
    })) return;
    await api.patch(`partners/${partner.id}`, { status: 'churned' }, partner.version);
    toast(`${partner.company} is now churned.`);
    return;
  }
  if (partner.status !== 'churned') return;
  const { items } = await api.get(`partners/${partner.id}/history`);
  const churned = items.slice().reverse().find((h) => h.changes?.status?.[1] === 'churned');
  const before = churned?.changes.status[0];
  if (!before || !await confirmAction({
    title: `Put ${partner.company} back to ${format.label(before)}?`,
    text: `It was ${format.label(before)} before it was churned.`,
    action: `Back to ${format.label(before)}`,
  })) return;
  await api.patch(`partners/${partner.id}`, { status: before }, partner.version);
  toast(`${partner.company} is ${format.label(before)} again.`);
}

export default {
  title: 'Partner Onboarding',
  render(main) {
    const page = refresher();
    const [welcome] = templatesOf('onboarding');
    const [farewell] = templatesOf('offboarding');
    const keys = [welcome.key, farewell.key];
    const selectId = uid('onboarding-partner');
    const picker = partnerPicker({ id: selectId, onChange: () => showPartner() });
    const perPartner = h('div', { class: 'two-up' });
    const all = page.add(checklistList({ templateKeys: keys, empty: 'No onboarding or offboarding under way.', onItem: churnWhenTicked }));

    async function showPartner() {
      const partnerId = picker.read();
      if (!partnerId) { perPartner.replaceChildren(h('p', { class: 'muted' }, 'Choose a partner to see or start its checklists.')); return; }
      const { items } = await api.get('checklists', { partnerId, templateKey: keys, sort: '-createdAt', limit: 50 });
      perPartner.replaceChildren(...[welcome, farewell].map((template) => {
        const existing = items.find((c) => c.templateKey === template.key);
        if (existing) return checklistCard(existing, { onItem: churnWhenTicked, onChange: () => all.reload() });
        return h('article', { class: 'card' }, h('h4', null, template.title), h('p', { class: 'muted' }, 'Not started for this partner.'),
          h('button', {
            type: 'button',
            class: 'primary',
            onclick: async () => {
              await api.post('checklists', { templateKey: template.key, partnerId });
              await showPartner();
              all.reload();
            },
          }, `Start ${template.title.toLowerCase()}`));
      }));
    }
    showPartner();

    main.append(
      pageHeading('Partner Onboarding', 'From the introductory call to the first joint activity, and a clean ending when a partnership stops.'),
      section('Checklists of one partner', null,
        h('div', { class: 'field inline' }, h('label', { for: selectId }, 'Partner'), picker.element), perPartner),
      section('Templates', null, templateBlock(welcome, { startable: false }), templateBlock(farewell, { startable: false })),
      section('All under way', null, all.element));
  },
};
