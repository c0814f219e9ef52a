// A checklist: its items as checkboxes, ticked and unticked in place.  Each
// change is a PATCH with If-Match; when someone else changed the list in the
// meantime, the tick is applied to their version (by item text) and sent again.

import { api, ApiError } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { userName } from '../session.js';
import { toast } from './toast.js';
import * as url from '../url.js';

export function progress(done, total) {
  return h('span', { class: 'progress', title: `${done} of ${total} done` },
    h('progress', { max: total || 1, value: done, 'aria-label': `${done} of ${total} done` }),
    h('span', null, `${done}/${total}`));
}

function itemsBody(items) {
  return items.map(({ text, done }) => ({ text, done }));
}

// checklistCard(record, {onChange(record), onItem(record, item)}) → element
export function checklistCard(initial, options = {}) {
  let record = initial;
  const list = h('ul', { class: 'checklist' });
  const bar = h('span');
  const title = h('h4', null, record.title);
  const card = h('article', { class: 'card checklist-card', dataset: { id: record.id } },
    h('header', null,
      h('div', { class: 'checklist-head' }, title,
        h('span', { class: 'checklist-actions' },
          h('button', { type: 'button', class: 'link', onclick: () => rename() }, 'Rename'),
          h('button', { type: 'button', class: 'link', onclick: () => url.openRecordAt('checklists', record.id) }, 'Open'),
          h('button', { type: 'button', class: 'link danger', onclick: () => remove() }, 'Delete'))),
      record.partner ? h('p', { class: 'muted' }, record.partner) : null,
      bar),
    fieldsLine(record),
    list,
    options.footer ? options.footer(() => record) : null);

  function render() {
    bar.replaceChildren(progress(record.done, record.total));
    list.replaceChildren(...record.items.map((item, index) => {
      const id = uid('item');
      return h('li', { class: item.done ? 'done' : null },
        h('input', {
          id,
          type: 'checkbox',
          checked: item.done,
          onchange: (event) => toggle(index, event.target.checked, event.target),
        }),
        h('label', { for: id }, item.text),
        item.done && item.doneAt ? h('span', { class: 'muted small' }, ` ${userName(item.doneBy)}, ${format.timestamp(item.doneAt)}`) : null);
    }));
  }

  async function toggle(index, done, box) {
    box.disabled = true;
    const text = record.items[index].text;
    const send = (base) => {
      const items = itemsBody(base.items);
      const at = items.findIndex((i) => i.text === text);
      if (at < 0) return null;
      items[at].done = done;
      return api.patch(`checklists/${base.id}`, { items }, base.version);
    };
    try {
      let saved;
      try {
        saved = await send(record);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 412 || !e.current) throw e;
        saved = await send(e.current);   // someone else ticked another item: keep theirs and ours
        if (!saved) { record = e.current; toast(`"${text}" was removed by someone else.`); }
      }
      if (saved) record = saved;
      render();
      if (saved && options.onItem) await options.onItem(record, record.items.find((i) => i.text === text));
      if (options.onChange) options.onChange(record);
    } catch (e) {
      box.checked = !done;
      toast(`Not saved: ${e.message}`);
    } finally {
      box.disabled = false;
    }
  }

  // The title edited in place: Enter saves, Esc puts it back.
  function rename() {
    const input = h('input', { value: record.title, 'aria-label': 'Checklist title', maxlength: 200 });
    const put = (text) => { title.replaceChildren(text); };
    input.addEventListener('keydown', async (event) => {
      if (event.key === 'Escape') { event.preventDefault(); put(record.title); return; }
      if (event.key !== 'Enter') return;
      event.preventDefault();
      const next = input.value.trim();
      if (!next || next === record.title) { put(record.title); return; }
      try {
        record = await api.patch(`checklists/${record.id}`, { title: next }, record.version);
        put(record.title);
        options.onChange?.(record);
      } catch (e) {
        toast(`Not renamed: ${e.fields?.title || e.message}`);
      }
    });
    title.replaceChildren(input);
    input.focus();
    input.select();
  }

  async function remove() {
    try {
      await api.del(`checklists/${record.id}`);
    } catch (e) {
      toast(`Not deleted: ${e.message}`);
      return;
    }
    card.remove();
    options.onChange?.(null);
    toast(`Deleted “${record.title}”.`, {
      label: 'Undo',
      run: async () => {
        try { await api.post(`checklists/${record.id}/restore`); toast(`Restored “${record.title}”.`); } catch (e) { toast(e.message); }
        options.onRestored?.();
      },
    }, record.id);
  }

  render();
  return card;
}

function fieldsLine(record) {
  const entries = Object.entries(record.fields || {}).filter(([, v]) => v !== null && v !== '');
  if (!entries.length) return null;
  return h('p', { class: 'template-fields' }, entries.map(([k, v], i) => [i ? ', ' : '', h('strong', null, `${format.label(k)}: `), /^\d{4}-\d{2}-\d{2}$/.test(v) ? format.date(v) : String(v)]));
}

// The checklists made from some templates, as cards, newest first.
// checklistList({templateKeys, partnerId, empty, onItem, footer}) → {element, reload}
export function checklistList(options) {
  const element = h('div', { class: 'checklists', 'aria-live': 'polite' });
  async function reload() {
    try {
      const page = await api.get('checklists', { templateKey: options.templateKeys, partnerId: options.partnerId, sort: '-createdAt', limit: 100 });
      element.replaceChildren(...(page.items.length
        ? page.items.map((c) => checklistCard(c, { onItem: options.onItem, footer: options.footer, onRestored: reload }))
        : [h('p', { class: 'muted' }, options.empty || 'None started yet.')]));
    } catch (e) {
      element.replaceChildren(h('p', { class: 'form-error' }, e.message));
    }
  }
  reload();
  return { element, reload };
}
