// A built-in template from the playbook, shown as the seed words it, with a
// form to start it as a checklist for one of the user's partners.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { toast } from './toast.js';
import { partnerPicker } from './picker.js';

let templates = null;

export async function loadTemplates() {
  if (!templates) templates = (await api.get('templates')).items;
  return templates;
}

export function templatesOf(kind) {
  return templates.filter((t) => t.kind === kind);
}

// templateBlock(template, {startable, onStarted(checklist)}) → <details>
export function templateBlock(template, options = {}) {
  const body = h('div', { class: 'template-body' });
  if (template.header) body.append(h('p', { class: 'template-header' }, template.header));
  if (template.body) body.append(h('pre', { class: 'template-text' }, template.body));
  if (template.items.length) {
    body.append(h('ul', { class: options.startable === false ? 'bullets' : 'boxes' },
      template.items.map((text) => h('li', null, text))));
  }
  if (options.startable !== false) body.append(startForm(template, options.onStarted));
  return h('details', { class: 'template', dataset: { template: template.key }, open: options.open || false },
    h('summary', null, template.title), body);
}

function startForm(template, onStarted) {
  const partnerId = uid('start-partner');
  const picker = partnerPicker({ id: partnerId, nullable: true });
  const placeholders = template.placeholders.filter((p) => p !== 'name').map((name) => {
    const id = uid('placeholder');
    return { name, input: h('input', { id, type: name === 'date' ? 'date' : 'text' }), id };
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    class: 'start-form',
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!picker.read()) { error.textContent = 'Choose a partner first.'; picker.input.focus(); return; }
      const fields = {};
      if (template.placeholders.includes('name')) fields.name = picker.label();
      for (const p of placeholders) if (p.input.value.trim()) fields[p.name] = p.input.value.trim();
      try {
        const checklist = await api.post('checklists', { templateKey: template.key, partnerId: picker.read(), fields });
        toast(`Started “${template.title}” for ${checklist.partner}.`);
        for (const p of placeholders) p.input.value = '';
        onStarted?.(checklist);
      } catch (e) {
        error.textContent = Object.values(e.fields || {})[0] || e.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: partnerId }, 'Partner'), picker.element),
  placeholders.map((p) => h('div', { class: 'field' }, h('label', { for: p.id }, format.label(p.name)), p.input)),
  h('button', { type: 'submit', class: 'primary' }, 'Start checklist'),
  error);
  return form;
}
