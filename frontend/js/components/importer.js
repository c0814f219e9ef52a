// Importing a CSV file into a collection: the file is read in the browser,
// its columns are matched to fields (guessed from the header names, each
// changeable or left out), the first rows are shown as they will be
// stored, and then the whole file goes to POST /C/import: every row or
// none.  Rows the server refuses are listed with their fields, and nothing
// is saved; the upload shows its progress.
//
// importButton(collection, onDone) → a button that opens the import dialog

import { api, currentCsrfToken } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { collection as describe } from '../schema.js';
import { toast } from './toast.js';

// RFC 4180: fields separated by commas, quoted with "" inside quotes,
// records by CRLF or LF.  Returns the records as arrays of strings.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toCsv = (rows) => rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
const normal = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

// The field a header names: its name or its label, in any case or spacing.
function guess(header, fields) {
  const n = normal(header);
  return fields.find((f) => normal(f.name) === n || normal(format.label(f.name)) === n)?.name || '';
}

// The upload, with its progress (fetch has none): resolves to the answer.
function upload(path, text, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', api.href(path));
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Idempotency-Key', crypto.randomUUID());
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(Object.assign(new Error(body?.error?.message || `the server answered ${xhr.status}`), { status: xhr.status, body }));
    };
    xhr.onerror = () => reject(new Error('the server could not be reached'));
    xhr.send(text);
  });
}

export function importButton(collectionName, onDone) {
  return h('button', { type: 'button', onclick: () => openImport(collectionName, onDone) }, 'Import CSV');
}

function openImport(collectionName, onDone) {
  const spec = describe(collectionName);
  const fields = spec.fields.filter((f) => !f.readOnly && !f.record);
  const titleId = uid('import-title');
  const fileId = uid('import-file');
  const file = h('input', { id: fileId, type: 'file', accept: '.csv,text/csv' });
  const mapping = h('div', { class: 'import-mapping' });
  const preview = h('div', { class: 'table-scroll import-preview' });
  const problems = h('div', { class: 'import-problems', role: 'alert' });
  const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Import progress' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const go = h('button', { type: 'button', class: 'primary', disabled: true }, 'Import');
  const dialog = h('dialog', { class: 'panel import-dialog', 'aria-labelledby': titleId },
    h('header', { class: 'panel-head' }, h('h2', { id: titleId }, `Import ${format.label(collectionName).toLowerCase()}`),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    h('p', { class: 'muted' }, 'A CSV file with a header row. Every row is stored, or none: rows with problems are listed first.'),
    h('div', { class: 'field' }, h('label', { for: fileId }, 'File'), file),
    mapping, preview, problems, bar, status,
    h('div', { class: 'form-actions' }, go, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));
  let rows = [];
  let selects = [];

  function mapped() {
    const keep = selects.map((s, i) => [i, s.value]).filter(([, v]) => v);
    return [keep.map(([, v]) => v), ...rows.slice(1).map((r) => keep.map(([i]) => r[i] ?? ''))];
  }

  function drawPreview() {
    const [head, ...body] = mapped();
    go.disabled = !head.length || !body.length;
    preview.replaceChildren(...(head.length ? [h('table', null,
      h('caption', { class: 'visually-hidden' }, 'The first rows, as they will be stored'),
      h('thead', null, h('tr', null, head.map((n) => h('th', { scope: 'col' }, format.label(n))))),
      h('tbody', null, body.slice(0, 5).map((r) => h('tr', null, r.map((v) => h('td', null, v))))))] : []));
    status.textContent = body.length ? `${format.number(body.length)} rows to import.` : '';
  }

  file.addEventListener('change', async () => {
    problems.replaceChildren();
    rows = parseCsv(await file.files[0].text());
    if (!rows.length) { status.textContent = 'The file is empty.'; return; }
    selects = rows[0].map((header) => {
      const id = uid('map');
      const select = h('select', { id, onchange: drawPreview }, h('option', { value: '' }, 'Leave out'),
        fields.map((f) => h('option', { value: f.name }, format.label(f.name))));
      select.value = guess(header, fields);
      return select;
    });
    mapping.replaceChildren(h('h3', null, 'Columns'), h('div', { class: 'mapping-grid' },
      rows[0].map((header, i) => [h('label', { for: selects[i].id }, header || `(column ${i + 1})`), selects[i]])));
    drawPreview();
  });

  go.addEventListener('click', async () => {
    const text = toCsv(mapped());
    const started = performance.now();
    go.disabled = true;
    problems.replaceChildren();
    bar.hidden = false;
    bar.value = 0;
    status.textContent = 'Sending…';
    try {
      const answer = await upload(`${collectionName}/import`, text, (part) => {
        bar.value = part;
        if (part >= 1) { bar.removeAttribute('value'); status.textContent = 'Checking and saving every row…'; }
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      dialog.close();
      toast(`Imported ${format.number(answer.created)} ${format.label(collectionName).toLowerCase()} in ${seconds} s.`);
      onDone?.();
    } catch (e) {
      bar.hidden = true;
      go.disabled = false;
      status.textContent = '';
      const bad = e.body?.error?.rows;
      const fieldsOf = e.body?.error?.fields;
      problems.replaceChildren(...[
        h('p', null, h('strong', null, bad ? `Nothing was imported: ${bad.length} ${bad.length === 1 ? 'row has' : 'rows have'} problems.`
          : `Nothing was imported: ${e.message}`)),
        bad ? h('ul', null, bad.slice(0, 200).map((r) => h('li', null, `Row ${r.row}: `,
          Object.entries(r.fields).map(([f, m]) => `${format.label(f)} ${m}`).join('; ')))) : null,
        fieldsOf ? h('ul', null, Object.entries(fieldsOf).map(([f, m]) => h('li', null, `${f}: ${m}`))) : null,
        bad && bad.length > 200 ? h('p', null, `and ${bad.length - 200} more rows`) : null,
      ].filter(Boolean));
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  file.focus();
}
