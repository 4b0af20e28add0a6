// The Flags section's list: every flag but the canaries' own, searchable, and which one is open. The open flag's
// panel is flag-detail.js.

import {call, endpoint} from './api.js';
import {byId, clear, el} from './dom.js';
import {closeFlag, initFlagDetail, openFlag, refreshOpenFlag} from './flag-detail.js';
import {overrideText} from './flag-json.js';
import {canaryNameList, isStateFlag, releaseNameList} from './store.js';

let flags = [];
let selectedKey = null;
let tableSignature = null;

/** Wires the search box and the panel; call once. */
export function init() {
  byId('flag-search').addEventListener('input', renderTable);
  initFlagDetail();
}

/** Reads the list again and shows it; a flag that is gone closes its panel. */
export async function refresh() {
  let report;
  try {
    report = await call('GET', endpoint('toggles'));
  } catch (e) {
    throw e.status === 404 ? new Error('the toggles endpoint is not exposed') : e;
  }
  flags = report.flags || [];
  renderTable();
  if (selectedKey !== null && !flags.some(f => f.key === selectedKey)) {
    select(selectedKey);
  }
}

/** Reads the open flag again, if one is open. */
export function refreshDetail() {
  return refreshOpenFlag();
}

function visibleFlags() {
  const query = byId('flag-search').value.trim().toLowerCase();
  return flags
    .filter(f => !isStateFlag(f.key))
    .filter(f => !query || [f.key, f.state, f.source || 'store', f.defaultVariant || '']
      .some(v => String(v).toLowerCase().includes(query)));
}

/** Rebuilt only when the flags, the search, the open flag or the canaries changed; the focus stays on its key. */
function renderTable() {
  const rows = byId('flag-rows');
  const signature = JSON.stringify([flags, byId('flag-search').value, selectedKey, canaryNameList(), releaseNameList()]);
  if (tableSignature === signature) {
    return;
  }
  tableSignature = signature;
  const focusedKey = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.flagKey : undefined;
  clear(rows);
  const shown = visibleFlags();
  for (const flag of shown) {
    const open = el('button', {
      type: 'button', class: 'link', 'data-flag-key': flag.key, 'aria-expanded': String(flag.key === selectedKey),
      'aria-controls': 'flag-detail', onclick: () => select(flag.key),
    }, flag.key);
    const row = el('tr', {class: flag.key === selectedKey ? 'selected' : null},
      el('th', {scope: 'row'}, open),
      el('td', {}, el('span', {class: 'badge ' + flag.state.toLowerCase()}, flag.state)),
      el('td', {}, flag.defaultVariant || '—'),
      el('td', {class: 'wide-only'}, flag.source || 'store'),
      el('td', {class: 'wide-only'}, overrideText(flag.override), flag.overrideError
        ? el('span', {class: 'error-text'}, ' (' + flag.overrideError + ')') : null),
      el('td', {class: 'num wide-only'}, String(flag.version)));
    rows.appendChild(row);
    if (focusedKey !== undefined && focusedKey === flag.key) {
      open.focus();
    }
  }
  const hidden = flags.filter(f => isStateFlag(f.key)).length;
  byId('flag-count').textContent = shown.length + ' of ' + (flags.length - hidden) + ' flags'
    + (hidden ? ' (canary and release state flags are under Canaries and Releases)' : '');
}

/** Opens a flag's panel, or closes it when that flag is the open one. */
function select(key) {
  selectedKey = selectedKey === key ? null : key;
  renderTable();
  if (selectedKey === null) {
    closeFlag();
  } else {
    openFlag(selectedKey, refresh);
  }
}
