// A text filled from a record, edited, then copied: the intro request (from
// an outbound referral) and the referral agreement (from a partner).
//
// composer({ label, choices(), fill(value), extra }) → { element, reload }
//   choices(): [{ value, label }] to pick from (empty: nothing to fill yet)
//   fill(value): { text, note } — the filled text and a line under it
// What the user typed stays when the page reloads its data; picking another
// record fills the text anew (after asking, when it was edited).

import { h, uid } from '../dom.js';
import { toast } from './toast.js';
import { confirmAction } from './confirm.js';

export function composer({ label, textLabel, empty, choices, fill, extra = [] }) {
  const ids = { select: uid('composer-pick'), text: uid('composer-text') };
  const select = h('select', { id: ids.select });
  const text = h('textarea', { id: ids.text, rows: 9, disabled: true });
  const note = h('p', { class: 'muted', role: 'status' });
  let edited = false;
  let shown = '';
  text.addEventListener('input', () => { edited = true; });
  const copy = h('button', {
    type: 'button',
    disabled: true,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text.value);
        toast('Copied.');
      } catch {
        text.select();
        toast('Press Ctrl+C to copy: the browser did not allow copying.');
      }
    },
  }, 'Copy');
  const refill = h('button', {
    type: 'button',
    disabled: true,
    onclick: () => show(true),
  }, 'Fill again');

  async function show(force = false) {
    if (edited && !force && select.value === shown) return;
    if (edited && text.value && !await confirmAction({
      title: 'Replace your changes?',
      text: 'The text is filled anew from the record; what you changed in it is lost.',
      action: 'Replace',
    })) { select.value = shown; return; }
    shown = select.value;
    edited = false;
    if (!select.value) {
      text.value = '';
      note.textContent = '';
      text.disabled = copy.disabled = refill.disabled = true;
      return;
    }
    const filled = await fill(select.value);
    text.value = filled.text;
    note.textContent = filled.note || '';
    text.disabled = copy.disabled = refill.disabled = false;
  }
  select.addEventListener('change', () => show());
  for (const input of extra.filter((e) => e.input)) input.input.addEventListener('change', () => { if (!edited) show(); });

  async function reload() {
    const items = await choices();
    const keep = select.value;
    select.replaceChildren(h('option', { value: '' }, items.length ? 'Choose…' : empty),
      ...items.map((c) => h('option', { value: c.value }, c.label)));
    if (keep && items.some((c) => c.value === keep)) select.value = keep;
    if (!edited) await show();
  }
  reload();
  return {
    reload,
    element: h('div', { class: 'intro composer' },
      h('div', { class: 'field' }, h('label', { for: ids.select }, label), select),
      ...extra.map((e) => e.element),
      h('div', { class: 'field' }, h('label', { for: ids.text }, textLabel), text),
      note, h('div', { class: 'form-actions' }, copy, refill)),
  };
}
