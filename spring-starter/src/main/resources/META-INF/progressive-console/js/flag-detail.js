// The open flag's panel: its state, default variant, rollout weights and override, each changed with a reason and
// (but for the switch) a confirmation, and its audit history. A write sends the version read; a 409 shows the new
// state and changes nothing.

import {call, endpoint, refusal} from './api.js';
import {confirmDialog, reasonOrComplain} from './ask.js';
import {append, byId, clear, el} from './dom.js';
import {diff, fractionalWeights, overrideText, parse} from './flag-json.js';
import {time} from './format.js';
import {canWrite} from './store.js';

let openKey = null;
let detail = null;
let historySignature = null;
let afterWrite = async () => {};

/** Wires the panel; call once. A default variant chosen by hand is kept across polls. */
export function initFlagDetail() {
  byId('flag-detail').addEventListener('change', e => {
    if (e.target.id === 'flag-variant') {
      e.target.dataset.touched = 'true';
    }
  });
}

/** Builds the panel of a flag, reads it, and puts the focus on its switch; 'written' runs after each write. */
export function openFlag(key, written) {
  openKey = key;
  detail = null;
  historySignature = null;
  afterWrite = written;
  const panel = clear(byId('flag-detail'));
  panel.hidden = false;
  build(panel, key);
  refreshOpenFlag().then(() => {
    const sw = byId('flag-state-switch');
    if (sw) {
      sw.focus();
    }
  });
}

export function closeFlag() {
  openKey = null;
  detail = null;
  historySignature = null;
  const panel = clear(byId('flag-detail'));
  panel.hidden = true;
}

/** Reads the open flag again and shows what changed; a failed read is said in the panel. */
export async function refreshOpenFlag() {
  const key = openKey;
  if (key === null) {
    return;
  }
  let flag;
  try {
    flag = await call('GET', endpoint('toggles', key));
  } catch (e) {
    byId('flag-message').textContent = 'Cannot read the flag: ' + e.message;
    return;
  }
  if (openKey !== key) {
    return;
  }
  detail = flag;
  render(flag);
}

function build(panel, key) {
  const disabled = canWrite() ? null : true;
  const note = canWrite() ? null : el('p', {class: 'note'},
    'You can look but not change: changes need the write role.');
  panel.appendChild(el('h3', {id: 'flag-detail-title'}, 'Flag ', el('code', {}, key)));
  append(panel, [note]);
  panel.appendChild(el('p', {id: 'flag-detail-summary', class: 'muted'}));
  panel.appendChild(el('p', {id: 'flag-message', role: 'status', 'aria-live': 'polite'}));

  const reason = el('input', {id: 'flag-reason', type: 'text', maxlength: 500, disabled: disabled,
    placeholder: 'why, for the audit', autocomplete: 'off'});
  panel.appendChild(el('p', {class: 'field'}, el('label', {for: 'flag-reason'}, 'Reason'), reason));

  const sw = el('input', {id: 'flag-state-switch', type: 'checkbox', role: 'switch', disabled: disabled,
    onchange: () => changeState(sw)});
  panel.appendChild(el('p', {class: 'field'},
    el('label', {for: 'flag-state-switch', class: 'switch'}, sw, el('span', {}, 'Enabled'))));

  const variant = el('select', {id: 'flag-variant', disabled: disabled});
  const setVariant = el('button', {id: 'flag-variant-apply', type: 'button', disabled: disabled,
    onclick: () => changeDefaultVariant(variant.value)}, 'Set default variant');
  panel.appendChild(el('p', {class: 'field'}, el('label', {for: 'flag-variant'}, 'Default variant'), variant, ' ',
    setVariant));

  panel.appendChild(el('fieldset', {id: 'flag-weights', class: 'weights'},
    el('legend', {}, 'Rollout weights'), el('div', {id: 'flag-weight-inputs'}),
    el('button', {id: 'flag-weights-review', type: 'button', disabled: disabled, onclick: reviewWeights},
      'Review and apply weights…')));

  panel.appendChild(el('p', {class: 'field'}, el('button', {id: 'flag-override-remove', type: 'button',
    disabled: true, onclick: removeOverride}, 'Remove the override…'),
  el('span', {class: 'muted'}, ' the source\'s definition serves again')));

  panel.appendChild(el('h4', {}, 'Audit history'));
  panel.appendChild(el('div', {class: 'scroll'}, el('table', {id: 'flag-history'},
    el('caption', {class: 'sr-only'}, 'Changes of this flag, newest first'),
    el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'When'), el('th', {scope: 'col'}, 'Who'),
      el('th', {scope: 'col'}, 'What'), el('th', {scope: 'col'}, 'Reason'), el('th', {scope: 'col'}, 'Changes'))),
    el('tbody', {id: 'flag-history-rows'}))));
}

/** Shows a read of the flag; what the user is editing (a chosen variant, typed weights) is left alone. */
function render(flag) {
  byId('flag-detail-summary').textContent = flag.state + ', default variant ' + (flag.defaultVariant || 'none')
    + ', source ' + (flag.source || 'store only') + ', version ' + flag.version
    + (flag.overrideError ? '; the override does not apply: ' + flag.overrideError : '');
  const sw = byId('flag-state-switch');
  sw.checked = flag.state === 'ENABLED';
  byId('flag-override-remove').disabled = !canWrite() || !flag.source
    || Object.keys(flag.override || {}).length === 0;

  const select = byId('flag-variant');
  const chosen = select.dataset.touched === 'true' ? select.value : flag.defaultVariant;
  const options = JSON.stringify([flag.variants || [], chosen]);
  // Rebuilt only when the variants or the choice changed, never under the user's hands.
  if (document.activeElement !== select && select.dataset.options !== options) {
    select.dataset.options = options;
    clear(select);
    for (const v of flag.variants || []) {
      select.appendChild(el('option', {value: v, selected: v === chosen ? true : null}, v));
    }
  }

  const weights = fractionalWeights(parse(flag.effectiveDefinition));
  const inputs = byId('flag-weight-inputs');
  const editing = inputs.contains(document.activeElement) || inputs.dataset.touched === 'true';
  const unchanged = inputs.dataset.before === JSON.stringify(weights || []) && inputs.firstChild;
  if (!editing && !unchanged) {
    clear(inputs);
    if (!weights) {
      inputs.appendChild(el('p', {class: 'muted'}, 'This flag has no fractional rollout rule.'));
      byId('flag-weights-review').disabled = true;
    } else {
      weights.forEach(([variant, weight], i) => {
        const id = 'flag-weight-' + i;
        const input = el('input', {id: id, type: 'number', min: 0, step: 1, value: weight,
          'data-variant': variant, disabled: canWrite() ? null : true,
          oninput: () => { inputs.dataset.touched = 'true'; }});
        inputs.appendChild(el('p', {class: 'field'}, el('label', {for: id}, variant), input));
      });
      byId('flag-weights-review').disabled = !canWrite();
    }
    inputs.dataset.before = JSON.stringify(weights || []);
  }
  renderHistory(flag);
}

function renderHistory(flag) {
  const signature = JSON.stringify([flag.key, flag.history, flag.historyStale]);
  if (historySignature === signature) {
    return;
  }
  historySignature = signature;
  const rows = clear(byId('flag-history-rows'));
  const history = (flag.history || []).slice().reverse();
  if (flag.historyStale) {
    rows.appendChild(el('tr', {}, el('td', {colspan: 5, class: 'muted'},
      'The store cannot be reached now: these are the changes this instance knows; the latest may be missing.')));
  }
  if (!flag.history) {
    rows.appendChild(el('tr', {}, el('td', {colspan: 5}, 'The audit cannot be read now.')));
  } else if (!history.length) {
    rows.appendChild(el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'No change since the sources defined it.')));
  }
  for (const entry of history) {
    const changes = diff(parse(entry.before), parse(entry.after), '', []);
    rows.appendChild(el('tr', {},
      el('td', {}, time(entry.at)),
      el('td', {}, entry.actor),
      el('td', {}, entry.action),
      el('td', {class: 'reason'}, entry.reason || '—'),
      el('td', {}, changes.length
        ? el('ul', {class: 'diff'}, changes.map(c => el('li', {}, el('code', {}, c)))) : '—')));
  }
}

async function write(body, what) {
  const flag = detail;
  const message = byId('flag-message');
  try {
    const after = await call('POST', endpoint('toggles', flag.key), Object.assign({version: flag.version}, body));
    message.textContent = 'Done: ' + what + ' (version ' + after.version + ').';
    byId('flag-reason').value = '';
    delete byId('flag-weight-inputs').dataset.touched;
    delete byId('flag-variant').dataset.touched;
    detail = after;
    render(after);
  } catch (e) {
    if (e.status === 409) {
      let current = null;
      try {
        current = await call('GET', endpoint('toggles', flag.key));
      } catch (ignored) {
        current = null;
      }
      message.textContent = 'Someone else changed ' + flag.key + ' since you read it (you read version '
        + flag.version + (current ? ', it is now at version ' + current.version + ': ' + current.state
        + ', default variant ' + (current.defaultVariant || 'none') : '') + '). Nothing was changed: '
        + 'check its new state below and try again.';
      if (current) {
        detail = current;
        render(current);
      }
    } else {
      message.textContent = refusal(e, 'change flags');
      render(flag);
    }
  }
  await afterWrite();
}

async function changeState(sw) {
  const enable = sw.checked;
  sw.checked = !enable;
  const reason = reasonOrComplain('flag-reason', 'flag-message');
  if (reason === null) {
    return;
  }
  await write({state: enable ? 'ENABLED' : 'DISABLED', reason: reason},
    (enable ? 'enabled ' : 'disabled ') + detail.key);
}

async function changeDefaultVariant(variant) {
  const reason = reasonOrComplain('flag-reason', 'flag-message');
  if (reason === null) {
    return;
  }
  const flag = detail;
  const ok = await confirmDialog('Change the default variant of ' + flag.key + '?', [
    el('p', {}, 'Default variant: ', el('code', {}, flag.defaultVariant || 'none'), ' → ', el('code', {}, variant)),
    el('p', {}, 'Reason: ', el('q', {}, reason))], 'Change it');
  if (ok) {
    await write({defaultVariant: variant, reason: reason}, 'default variant of ' + flag.key + ' is ' + variant);
  }
}

async function reviewWeights() {
  const reason = reasonOrComplain('flag-reason', 'flag-message');
  if (reason === null) {
    return;
  }
  const flag = detail;
  const inputs = byId('flag-weight-inputs');
  const before = new Map(JSON.parse(inputs.dataset.before || '[]'));
  const after = new Map();
  for (const input of inputs.querySelectorAll('input[data-variant]')) {
    const value = Number(input.value);
    if (!Number.isInteger(value) || value < 0) {
      byId('flag-message').textContent = 'The weight of ' + input.dataset.variant + ' must be a whole number '
        + 'from 0.';
      input.focus();
      return;
    }
    after.set(input.dataset.variant, value);
  }
  const total = m => [...m.values()].reduce((a, b) => a + b, 0);
  const share = (m, v) => total(m) ? (100 * m.get(v) / total(m)).toFixed(1) + '%' : 'n/a';
  const table = el('table', {class: 'compare'},
    el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'Variant'), el('th', {scope: 'col'}, 'Before'),
      el('th', {scope: 'col'}, 'After'))),
    el('tbody', {}, [...after.keys()].map(v => el('tr', {class: before.get(v) !== after.get(v) ? 'changed' : null},
      el('th', {scope: 'row'}, v),
      el('td', {}, String(before.get(v)) + ' (' + share(before, v) + ')'),
      el('td', {}, String(after.get(v)) + ' (' + share(after, v) + ')')))));
  const ok = await confirmDialog('Change the rollout of ' + flag.key + '?', [table,
    el('p', {}, 'Reason: ', el('q', {}, reason))], 'Apply weights');
  if (ok) {
    await write({weights: Object.fromEntries(after), reason: reason}, 'new weights of ' + flag.key);
  }
}

async function removeOverride() {
  const reason = reasonOrComplain('flag-reason', 'flag-message');
  if (reason === null) {
    return;
  }
  const flag = detail;
  const ok = await confirmDialog('Remove the override of ' + flag.key + '?', [
    el('p', {}, 'Overridden now: ' + overrideText(flag.override) + '. After: the definition of '
      + flag.source + ' serves again.'),
    el('p', {}, 'Reason: ', el('q', {}, reason))], 'Remove it');
  if (!ok) {
    return;
  }
  const url = endpoint('toggles', flag.key) + '?reason=' + encodeURIComponent(reason) + '&version='
    + encodeURIComponent(flag.version);
  const message = byId('flag-message');
  try {
    const after = await call('DELETE', url);
    message.textContent = 'Done: the override of ' + flag.key + ' is removed.';
    byId('flag-reason').value = '';
    if (after) {
      detail = after;
      render(after);
    }
  } catch (e) {
    message.textContent = e.status === 409
      ? 'Someone else changed ' + flag.key + ' since you read it; nothing was changed. Check its new state.'
      : refusal(e, 'change flags');
  }
  await afterWrite();
  await refreshOpenFlag();
}
