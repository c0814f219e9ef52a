// Building DOM nodes.  Text always goes in as text nodes (textContent), never
// as HTML: record data cannot become markup, whatever it contains.

// h('button', {class: 'primary', onclick: fn, 'aria-label': 'Close'}, 'Save')
// Props: class, for, on<event> (a function), dataset (object), any attribute
// (true: present, false/null: absent), or a DOM property when it is one
// already (value, checked, disabled, hidden...).  Children: nodes, strings,
// numbers, arrays of them; null and false are skipped.
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  setProps(node, props);
  append(node, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

// The same for SVG elements (charts).
export function svg(tag, props, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function setProps(node, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (name in node && !name.includes('-') && name !== 'list' && name !== 'form') {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces the children of node.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let uniqueCounter = 0;

// A fresh element id (for label/for and aria-describedby).
export function uid(prefix = 'id') {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

// Announces a message to screen readers (the polite live region).
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    setTimeout(() => { region.textContent = message; }, 30);
  }
}
