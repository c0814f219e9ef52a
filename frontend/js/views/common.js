// Pieces every page uses: the page heading, the "New …" button, and a way to
// refresh everything on a page after a record changed.

import { h } from '../dom.js';
import { openRecord } from '../components/panel.js';
import * as url from '../url.js';
import { checklistList } from '../components/checklist.js';
import { templateBlock, templatesOf } from '../components/template.js';

export function pageHeading(title, intro, ...actions) {
  return h('header', { class: 'page-head' },
    h('div', null, h('h2', { tabindex: -1 }, title), intro ? h('p', { class: 'muted' }, intro) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

// Keeps the parts of a page that show data; refresh() reloads them all.
export function refresher() {
  const parts = [];
  return {
    add(part) { parts.push(part); return part; },
    // except: a part that has already reloaded itself (a board after a move).
    refresh(except = null) { for (const p of parts) if (p !== except) p.reload(); },
  };
}

// Opens a record by its address (a new one in place) and refreshes the page
// when it changes.
export function opener(page) {
  url.whenRecordChanges((except) => page.refresh(except));
  return (collection, record, defaults) => (record?.id
    ? url.openRecordAt(collection, record.id)
    : openRecord(collection, null, { defaults, onChange: () => page.refresh() }));
}

export function newButton(text, onClick) {
  return h('button', { type: 'button', class: 'primary', onclick: onClick }, text);
}

export function section(title, intro, ...children) {
  return h('section', { class: 'block' }, h('h3', null, title), intro ? h('p', { class: 'muted' }, intro) : null, children);
}

// The templates of one kind, each startable for a partner, above the
// checklists started from them.  playbook(page, kind, {title, intro, started, empty})
export function playbook(page, kind, text) {
  const templates = templatesOf(kind);
  const started = page.add(checklistList({ templateKeys: templates.map((t) => t.key), empty: text.empty }));
  return section(text.title, text.intro,
    templates.map((t) => templateBlock(t, { onStarted: () => started.reload() })),
    h('h4', null, text.started), started.element);
}
