// What the page asks before any change: a reason for the audit, then a confirmation in the modal dialog.

import {append, byId, clear} from './dom.js';

/** The trimmed reason typed in the input; null, with a message and the focus there, when there is none. */
export function reasonOrComplain(inputId, messageId) {
  const reason = byId(inputId).value.trim();
  if (!reason) {
    byId(messageId).textContent = 'Give a reason first: it goes into the audit.';
    byId(inputId).focus();
    return null;
  }
  return reason;
}

/** Asks in a modal dialog; resolves true when confirmed. The body is built from DOM nodes. */
export function confirmDialog(title, bodyNodes, okLabel) {
  const dialog = byId('confirm');
  byId('confirm-title').textContent = title;
  append(clear(byId('confirm-body')), bodyNodes);
  byId('confirm-ok').textContent = okLabel || 'Confirm';
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
    byId('confirm-cancel').focus();
  });
}
