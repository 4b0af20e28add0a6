// Building the page's elements. Every piece of data reaches the page through textContent or setAttribute, never
// through innerHTML: a flag key, a reason or a value is always text. Nothing else in the console creates elements.

const SVG = 'http://www.w3.org/2000/svg';

/** An element with attributes and children; strings become text nodes, 'on...' attributes become listeners. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/** An SVG element, as el builds an HTML one. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'text') {
      node.textContent = String(value);
    } else if (name.startsWith('on')) {
      node.addEventListener(name.substring(2), value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
}

/** Appends children (nested arrays flattened; null, undefined and false skipped); strings become text nodes. */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }
}

/** Removes every child; returns the node. */
export function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/**
 * A string made safe for use inside an element id (the text itself is never parsed as markup). '_' is escaped too,
 * so that two names never share an id: 'a.b' is 'a_2e_b', and 'a_2e_b' is 'a_5f_2e_5f_b'.
 */
export function idPart(text) {
  let out = '';
  for (const ch of String(text)) {
    out += /[A-Za-z0-9-]/.test(ch) ? ch : '_' + ch.codePointAt(0).toString(16) + '_';
  }
  return out;
}

/** Shows a message in the page's alert region, or hides the region when the message is empty. */
export function showAlert(message) {
  const alert = byId('alert');
  alert.textContent = message;
  alert.hidden = !message;
}
