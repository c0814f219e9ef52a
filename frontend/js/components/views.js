// Saved views of a table or a board: a menu of the user's own views and the
// shared ones, and the actions on the one applied: save the current
// filters, sort and columns as a new view (private or shared), update it,
// delete it, make it the default of this place.  Updating someone else's
// shared view saves a copy of one's own instead.  The default is kept in
// this browser, per user and place.
//
// viewsMenu({collection, kind, tableKey, selected, current() → {query, columns}, apply(view|null)})
//   → {element, edited(), applyDefault()}

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { isAdmin, me } from '../session.js';
import * as url from '../url.js';
import { toast } from './toast.js';

const defaultKey = (o) => `partnerships.view.${me()?.id}.${url.parse().page}.${o.tableKey}`;

export function viewsMenu(options) {
  let views = [];
  let selected = options.selected || null;
  let dirty = false;
  const id = uid('views');
  const select = h('select', {
    id,
    onchange: () => {
      selected = select.value || null;
      dirty = false;
      options.apply(views.find((v) => v.id === selected) || null);
      draw();
    },
  });
  const saveNew = h('button', { type: 'button', onclick: () => saveDialog() }, 'Save view…');
  const update = h('button', { type: 'button', onclick: () => updateView() }, 'Update view');
  const rename = h('button', { type: 'button', onclick: () => saveDialog(view(), true) }, 'Rename…');
  const remove = h('button', { type: 'button', class: 'danger', onclick: () => removeView() }, 'Delete view');
  const star = h('button', { type: 'button', 'aria-pressed': 'false', onclick: () => toggleDefault() }, 'Default');
  const element = h('div', { class: 'views-bar' },
    h('label', { for: id, class: 'visually-hidden' }, 'Saved view'), select, saveNew, update, rename, star, remove);

  const view = () => views.find((v) => v.id === selected) || null;
  const mine = (v) => v && (v.ownerUserId === me()?.id || isAdmin());

  function draw() {
    select.replaceChildren(h('option', { value: '' }, views.length ? 'No saved view' : 'No saved views yet'),
      ...views.map((v) => h('option', { value: v.id, selected: v.id === selected },
        `${v.name}${v.shared ? ' · shared' : ''}${v.ownerUserId !== me()?.id ? ' (a colleague’s)' : ''}`)));
    const v = view();
    update.hidden = !v || !dirty;
    update.textContent = mine(v) ? 'Update view' : 'Save as my copy';
    remove.hidden = !v || !mine(v);
    rename.hidden = !v || !mine(v);
    star.hidden = !v;
    const isDefault = v && localStorage.getItem(defaultKey(options)) === v.id;
    star.setAttribute('aria-pressed', String(Boolean(isDefault)));
    star.textContent = isDefault ? 'Default ✓' : 'Make default';
  }

  let loaded = null;
  function load() {
    loaded ||= api.get('views', { collection: options.collection, kind: options.kind, limit: 500, sort: 'name' })
      .then((page) => { views = page.items; draw(); })
      .catch(() => { views = []; draw(); });
    return loaded;
  }

  // A new view (from copyOf: a copy of someone else's), or renaming one.
  function saveDialog(copyOf = null, renaming = false) {
    const nameId = uid('view-name');
    const sharedId = uid('view-shared');
    const error = h('p', { class: 'form-error', role: 'alert' });
    const name = h('input', { id: nameId, name: 'name', required: true, maxlength: 100, value: copyOf ? copyOf.name : '' });
    const shared = h('input', { id: sharedId, name: 'shared', type: 'checkbox', checked: renaming && copyOf.shared });
    const form = h('form', { class: 'record-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: nameId }, 'Name'), name),
      h('div', { class: 'field field-check' }, shared, h('label', { for: sharedId }, 'Shared with the team')),
      error,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save'),
        h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));
    const dialog = h('dialog', { class: 'panel view-dialog', 'aria-labelledby': `${nameId}-title` },
      h('header', { class: 'panel-head' }, h('h2', { id: `${nameId}-title` },
        renaming ? 'Rename the view' : copyOf ? 'Save as my own view' : 'Save this view')), form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        if (renaming) {
          const saved = await api.patch(`views/${copyOf.id}`, { name: name.value.trim(), shared: shared.checked }, copyOf.version);
          views = views.map((x) => (x.id === saved.id ? saved : x));
          draw();
          dialog.close();
          toast(`Renamed the view “${saved.name}”.`);
          return;
        }
        const made = await api.post('views', { name: name.value.trim(), collection: options.collection, kind: options.kind,
          ...options.current(), shared: shared.checked });
        views = [...views, made].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
        selected = made.id;
        dirty = false;
        options.apply(made);
        draw();
        dialog.close();
        toast(`Saved the view “${made.name}”.`);
      } catch (e) {
        error.textContent = Object.keys(e.fields || {}).length ? Object.entries(e.fields).map(([f, m]) => `${f}: ${m}`).join('; ') : e.message;
      }
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    name.focus();
  }

  async function updateView() {
    const v = view();
    if (!v) return;
    if (!mine(v)) { saveDialog(v); return; }
    try {
      const saved = await api.patch(`views/${v.id}`, options.current(), v.version);
      views = views.map((x) => (x.id === saved.id ? saved : x));
      dirty = false;
      draw();
      toast(`Updated the view “${saved.name}”.`);
    } catch (e) {
      toast(`Not updated: ${e.message}`);
    }
  }

  async function removeView() {
    const v = view();
    if (!v) return;
    try {
      await api.del(`views/${v.id}`);
    } catch (e) {
      toast(`Not deleted: ${e.message}`);
      return;
    }
    views = views.filter((x) => x.id !== v.id);
    if (localStorage.getItem(defaultKey(options)) === v.id) localStorage.removeItem(defaultKey(options));
    selected = null;
    options.apply(null);
    draw();
    toast(`Deleted the view “${v.name}”.`);
  }

  function toggleDefault() {
    const v = view();
    if (!v) return;
    if (localStorage.getItem(defaultKey(options)) === v.id) localStorage.removeItem(defaultKey(options));
    else localStorage.setItem(defaultKey(options), v.id);
    draw();
  }

  draw();
  load();
  return {
    element,
    edited() { if (selected && !dirty) { dirty = true; draw(); } },
    async applyDefault() {
      const id = localStorage.getItem(defaultKey(options));
      if (!id) return;
      await load();
      const v = views.find((x) => x.id === id);
      if (v) { selected = v.id; dirty = false; options.apply(v); draw(); }
    },
  };
}
