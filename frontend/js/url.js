// The address of what is on screen, so that a reload, Back, Forward and a
// link sent to a colleague show the same place:
//
//   #/<page>[/<collection>/<id>[/history]][?<table>.<name>=<value>&…]
//
// page: a page of the app; then the record open over it and its tab; then
// each table's state under its key (sort, q, offset, view, columns, and
// one parameter per filter, several values comma-separated).  Opening a
// record is a new history entry (Back closes it); a table's changes replace
// the current one (Back does not replay every keystroke).

export function parse(hash = location.hash) {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return {
    page: parts[0] || 'overview',
    record: parts.length >= 3 ? { collection: parts[1], id: parts[2], tab: parts[3] || null } : null,
    // Something after the page that is not a record: the address is wrong.
    malformed: parts.length === 2 || parts.length > 4 || (parts.length === 4 && parts[3] !== 'history'),
    params: new URLSearchParams(query),
  };
}

export function href({ page, record = null, params = new URLSearchParams() }) {
  let path = `#/${encodeURIComponent(page)}`;
  if (record) {
    path += `/${encodeURIComponent(record.collection)}/${encodeURIComponent(record.id)}`;
    if (record.tab) path += `/${record.tab}`;
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

// A new entry (opening a record) or the same one changed (a table's state).
export function push(address) {
  history.pushState({ pushed: true }, '', href(address));
}

export function replace(address) {
  history.replaceState(history.state, '', href(address));
  shownParams = address.params.toString();
}

// The table state on screen, as the app last wrote it: an address that
// comes with other state (a link pasted, Back to another state) is drawn
// again.
let shownParams = null;
export function paramsShown(params) {
  const same = shownParams === params.toString();
  shownParams = params.toString();
  return same;
}

// Whether the current entry was pushed by the app (Back returns within it).
export function pushed() {
  return Boolean(history.state?.pushed);
}

// One table's state, read from and written to the address under its key.
export function tableState(key) {
  const out = {};
  for (const [name, value] of parse().params) {
    if (name.startsWith(`${key}.`)) out[name.slice(key.length + 1)] = value;
  }
  return out;
}

export function setTableState(key, state) {
  const address = parse();
  for (const name of [...address.params.keys()]) if (name.startsWith(`${key}.`)) address.params.delete(name);
  for (const [name, value] of Object.entries(state)) {
    if (value !== null && value !== undefined && value !== '') address.params.set(`${key}.${name}`, value);
  }
  replace(address);
}

// Opening a record by its address: a new history entry, then the app shows it.
export const ADDRESS_CHANGED = 'partnerships:address';

export function openRecordAt(collection, id) {
  push({ ...parse(), record: { collection, id, tab: null } });
  window.dispatchEvent(new Event(ADDRESS_CHANGED));
}

// What refreshes the page on screen when its open record changes (set by
// the page: views/common.js opener).
let onRecordChange = null;
export function whenRecordChanges(fn) { onRecordChange = fn; }
// except: a part of the page that has shown the change itself (an edited cell's table).
export function recordChanged(except = null) { onRecordChange?.(except); return Boolean(onRecordChange); }
