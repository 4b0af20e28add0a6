'use strict';
// Progressive's ops console. It reads and changes everything through the actuator endpoints (toggles, canaries,
// parallelruns) and polls them every few seconds. Every piece of data reaches the page through textContent or an
// attribute set with setAttribute, never through innerHTML: a flag key, a reason or a value is always text.
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_SAMPLES = 120;

  const state = {
    me: null,
    actuator: '/actuator',
    pollMillis: 5000,
    flags: [],
    selectedKey: null,
    detail: null,
    canaryNames: new Set(),
    canaryCards: new Map(),
    verdictMarks: new Map(),
    experimentCards: new Map(),
    matchSamples: new Map(),
    timer: null,
  };

  // ---------------------------------------------------------------- DOM helpers

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
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

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    }
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  /**
   * A string made safe for use inside an element id (the text itself is never parsed as markup). '_' is escaped too,
   * so that two names never share an id: 'a.b' is 'a_2e_b', and 'a_2e_b' is 'a_5f_2e_5f_b'.
   */
  function idPart(text) {
    let out = '';
    for (const ch of String(text)) {
      out += /[A-Za-z0-9-]/.test(ch) ? ch : '_' + ch.codePointAt(0).toString(16) + '_';
    }
    return out;
  }

  function time(iso) {
    if (!iso) {
      return '';
    }
    const d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  function percent(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return 'n/a';
    }
    return (value * 100).toFixed(digits === undefined ? 1 : digits) + '%';
  }

  function number(value) {
    if (value === null || value === undefined) {
      return 'n/a';
    }
    return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
  }

  function showAlert(message) {
    const alert = byId('alert');
    alert.textContent = message;
    alert.hidden = !message;
  }

  // ---------------------------------------------------------------- HTTP

  function cookie(name) {
    const prefix = name + '=';
    for (const part of document.cookie.split(';')) {
      const p = part.trim();
      if (p.startsWith(prefix)) {
        return decodeURIComponent(p.substring(prefix.length));
      }
    }
    return '';
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  // Marks the page's calls as script calls: when the session has ended, Spring Security then answers 401 without an
  // HTTP Basic challenge (WWW-Authenticate), so the browser neither opens its own password prompt nor holds the call
  // open waiting for one, and the page can send the user to its login form.
  const SCRIPT_CALL = {'X-Requested-With': 'XMLHttpRequest'};

  async function call(method, url, body) {
    const headers = Object.assign({'Accept': 'application/json'}, SCRIPT_CALL);
    if (method !== 'GET' && !cookie('XSRF-TOKEN')) {
      // Every console response sets the token cookie; a cleared one comes back with the next.
      await fetch('me', {credentials: 'same-origin', headers: Object.assign({'Accept': 'application/json'},
        SCRIPT_CALL)});
    }
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      headers['X-XSRF-TOKEN'] = cookie('XSRF-TOKEN');
    }
    const response = await fetch(url, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      window.location.assign('login');
      throw new HttpError(401, {error: 'Your session ended: log in again.'});
    }
    let json = null;
    const text = await response.text();
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = {error: text.substring(0, 200)};
      }
    }
    if (!response.ok) {
      throw new HttpError(response.status, json);
    }
    return json;
  }

  function endpoint(name, selector) {
    return state.actuator + '/' + name + (selector === undefined ? '' : '/' + encodeURIComponent(selector));
  }

  function refusal(error, what) {
    if (error.status === 403) {
      return 'Refused: you may not ' + what + ' (it needs the write role), or the request lacked its CSRF token. '
        + (error.body && error.body.error ? error.body.error : '');
    }
    if (error.status === 404) {
      return 'Not found: ' + (error.body && error.body.error ? error.body.error : error.message);
    }
    return error.message;
  }

  // ---------------------------------------------------------------- confirmation

  /** Asks in a modal dialog; resolves true when confirmed. The body is built from DOM nodes. */
  function confirmDialog(title, bodyNodes, okLabel) {
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

  // ---------------------------------------------------------------- flags

  function visibleFlags() {
    const query = byId('flag-search').value.trim().toLowerCase();
    return state.flags
      .filter(f => !isCanaryFlag(f.key))
      .filter(f => !query || [f.key, f.state, f.source || 'store', f.defaultVariant || '']
        .some(v => String(v).toLowerCase().includes(query)));
  }

  function isCanaryFlag(key) {
    return key.startsWith('canary.') && state.canaryNames.has(key.substring('canary.'.length));
  }

  function overrideText(override) {
    const parts = Object.keys(override || {});
    return parts.length ? parts.join(', ') : '—';
  }

  function renderFlagTable() {
    const rows = byId('flag-rows');
    const signature = JSON.stringify([state.flags, byId('flag-search').value, state.selectedKey,
      [...state.canaryNames]]);
    if (state.flagSignature === signature) {
      return;
    }
    state.flagSignature = signature;
    const focusedKey = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.flagKey : undefined;
    clear(rows);
    const flags = visibleFlags();
    for (const flag of flags) {
      const open = el('button', {
        type: 'button', class: 'link', 'data-flag-key': flag.key, 'aria-expanded': String(flag.key === state.selectedKey),
        'aria-controls': 'flag-detail', onclick: () => selectFlag(flag.key),
      }, flag.key);
      const row = el('tr', {class: flag.key === state.selectedKey ? 'selected' : null},
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
    const hidden = state.flags.filter(f => isCanaryFlag(f.key)).length;
    byId('flag-count').textContent = flags.length + ' of ' + (state.flags.length - hidden) + ' flags'
      + (hidden ? ' (canary state flags are under Canaries)' : '');
  }

  function selectFlag(key) {
    state.selectedKey = state.selectedKey === key ? null : key;
    state.detail = null;
    renderFlagTable();
    const panel = byId('flag-detail');
    clear(panel);
    panel.hidden = state.selectedKey === null;
    state.historySignature = null;
    if (state.selectedKey !== null) {
      buildFlagDetail(panel, state.selectedKey);
      loadFlagDetail().then(() => {
        const sw = byId('flag-state-switch');
        if (sw) {
          sw.focus();
        }
      });
    }
  }

  /** The fractional rule's weights in a flagd definition, as [[variant, weight], ...], or null. */
  function fractionalWeights(definition) {
    let found = null;
    function walk(node) {
      if (found || node === null || typeof node !== 'object') {
        return;
      }
      if (!Array.isArray(node) && Array.isArray(node.fractional)) {
        const buckets = node.fractional.filter(b => Array.isArray(b) && b.length >= 1 && typeof b[0] === 'string');
        found = buckets.map(b => [b[0], b.length > 1 ? Number(b[1]) : 1]);
        return;
      }
      for (const value of Object.values(node)) {
        walk(value);
      }
    }
    walk(definition);
    return found;
  }

  /** Path-level differences between two JSON values, as "path: before → after". */
  function diff(before, after, path, out) {
    const isObj = v => v !== null && typeof v === 'object';
    if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      for (const k of keys) {
        const p = Array.isArray(before) ? path + '[' + k + ']' : (path ? path + '.' + k : k);
        diff(before[k], after[k], p, out);
      }
      return out;
    }
    const a = before === undefined ? '(none)' : JSON.stringify(before);
    const b = after === undefined ? '(none)' : JSON.stringify(after);
    if (a !== b) {
      out.push((path || '(flag)') + ': ' + a + ' → ' + b);
    }
    return out;
  }

  function parse(json) {
    if (json === null || json === undefined) {
      return undefined;
    }
    try {
      return JSON.parse(json);
    } catch (e) {
      return json;
    }
  }

  function buildFlagDetail(panel, key) {
    const canWrite = state.me && state.me.canWrite;
    const disabled = canWrite ? null : true;
    const note = canWrite ? null : el('p', {class: 'note'},
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

  async function loadFlagDetail() {
    const key = state.selectedKey;
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
    if (state.selectedKey !== key) {
      return;
    }
    state.detail = flag;
    renderFlagDetail(flag);
  }

  function renderFlagDetail(flag) {
    const canWrite = state.me && state.me.canWrite;
    byId('flag-detail-summary').textContent = flag.state + ', default variant ' + (flag.defaultVariant || 'none')
      + ', source ' + (flag.source || 'store only') + ', version ' + flag.version
      + (flag.overrideError ? '; the override does not apply: ' + flag.overrideError : '');
    const sw = byId('flag-state-switch');
    sw.checked = flag.state === 'ENABLED';
    byId('flag-override-remove').disabled = !canWrite || !flag.source
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

    const definition = parse(flag.effectiveDefinition);
    const weights = fractionalWeights(definition);
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
            'data-variant': variant, disabled: canWrite ? null : true,
            oninput: () => { inputs.dataset.touched = 'true'; }});
          inputs.appendChild(el('p', {class: 'field'}, el('label', {for: id}, variant), input));
        });
        byId('flag-weights-review').disabled = !canWrite;
      }
      inputs.dataset.before = JSON.stringify(weights || []);
    }

    const historySignature = JSON.stringify([flag.key, flag.history, flag.historyStale]);
    if (state.historySignature === historySignature) {
      return;
    }
    state.historySignature = historySignature;
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

  function reasonOrComplain(inputId, messageId) {
    const reason = byId(inputId).value.trim();
    if (!reason) {
      byId(messageId).textContent = 'Give a reason first: it goes into the audit.';
      byId(inputId).focus();
      return null;
    }
    return reason;
  }

  async function writeFlag(body, what) {
    const flag = state.detail;
    const message = byId('flag-message');
    try {
      const after = await call('POST', endpoint('toggles', flag.key), Object.assign({version: flag.version}, body));
      message.textContent = 'Done: ' + what + ' (version ' + after.version + ').';
      byId('flag-reason').value = '';
      const inputs = byId('flag-weight-inputs');
      delete inputs.dataset.touched;
      delete byId('flag-variant').dataset.touched;
      state.detail = after;
      renderFlagDetail(after);
      await refreshFlags();
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
          state.detail = current;
          renderFlagDetail(current);
        }
      } else {
        message.textContent = refusal(e, 'change flags');
        renderFlagDetail(flag);
      }
      await refreshFlags();
    }
  }

  async function changeState(sw) {
    const enable = sw.checked;
    sw.checked = !enable;
    const reason = reasonOrComplain('flag-reason', 'flag-message');
    if (reason === null) {
      return;
    }
    await writeFlag({state: enable ? 'ENABLED' : 'DISABLED', reason: reason},
      (enable ? 'enabled ' : 'disabled ') + state.detail.key);
  }

  async function changeDefaultVariant(variant) {
    const reason = reasonOrComplain('flag-reason', 'flag-message');
    if (reason === null) {
      return;
    }
    const flag = state.detail;
    const ok = await confirmDialog('Change the default variant of ' + flag.key + '?', [
      el('p', {}, 'Default variant: ', el('code', {}, flag.defaultVariant || 'none'), ' → ', el('code', {}, variant)),
      el('p', {}, 'Reason: ', el('q', {}, reason))], 'Change it');
    if (ok) {
      await writeFlag({defaultVariant: variant, reason: reason}, 'default variant of ' + flag.key + ' is ' + variant);
    }
  }

  async function reviewWeights() {
    const reason = reasonOrComplain('flag-reason', 'flag-message');
    if (reason === null) {
      return;
    }
    const flag = state.detail;
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
      await writeFlag({weights: Object.fromEntries(after), reason: reason}, 'new weights of ' + flag.key);
    }
  }

  async function removeOverride() {
    const reason = reasonOrComplain('flag-reason', 'flag-message');
    if (reason === null) {
      return;
    }
    const flag = state.detail;
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
        state.detail = after;
        renderFlagDetail(after);
      }
    } catch (e) {
      message.textContent = e.status === 409
        ? 'Someone else changed ' + flag.key + ' since you read it; nothing was changed. Check its new state.'
        : refusal(e, 'change flags');
    }
    await refreshFlags();
    await loadFlagDetail();
  }

  async function refreshFlags() {
    const report = await call('GET', endpoint('toggles'));
    state.flags = report.flags || [];
    renderFlagTable();
    if (state.selectedKey !== null && !state.flags.some(f => f.key === state.selectedKey)) {
      selectFlag(state.selectedKey);
    }
  }

  // ---------------------------------------------------------------- canaries

  const ACTIONS = {
    promote: {label: 'Promote', action: 'promote', allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
    'promote-fully': {label: 'Promote to 100%', action: 'promote', fully: true,
      allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
    pause: {label: 'Pause', action: 'pause', allowed: ['PROGRESSING']},
    resume: {label: 'Resume', action: 'resume', allowed: ['PAUSED']},
    abort: {label: 'Abort', action: 'abort', allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
  };

  function canaryCard(name) {
    let card = state.canaryCards.get(name);
    if (card) {
      return card;
    }
    const id = 'canary-' + idPart(name);
    const canWrite = state.me && state.me.canWrite;
    const reason = el('input', {id: id + '-reason', type: 'text', maxlength: 500, autocomplete: 'off',
      disabled: canWrite ? null : true, placeholder: 'why, for the audit'});
    const buttons = Object.entries(ACTIONS).map(([action, spec]) => el('button', {
      type: 'button', id: id + '-' + action, 'data-action': action, disabled: true,
      class: action === 'abort' ? 'danger' : null, onclick: () => canaryAction(name, action)}, spec.label));
    const root = el('article', {class: 'card canary', id: id, 'aria-labelledby': id + '-title'},
      el('h3', {id: id + '-title'}, name, ' ', el('span', {class: 'badge', id: id + '-state'})),
      el('p', {id: id + '-position'}),
      el('div', {id: id + '-chart', class: 'chart'}),
      el('div', {id: id + '-verdict', class: 'verdict'}),
      el('p', {class: 'field'}, el('label', {for: id + '-reason'}, 'Reason'), reason),
      el('div', {class: 'buttons', role: 'group', 'aria-label': 'Actions on ' + name}, buttons),
      el('p', {id: id + '-message', role: 'status', 'aria-live': 'polite'}),
      el('details', {}, el('summary', {}, 'Transitions'),
        el('div', {class: 'scroll'}, el('table', {},
          el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'When'), el('th', {scope: 'col'}, 'Action'),
            el('th', {scope: 'col'}, 'Who'), el('th', {scope: 'col'}, 'State'), el('th', {scope: 'col'}, 'Weight'),
            el('th', {scope: 'col'}, 'Reason'))),
          el('tbody', {id: id + '-history'})))));
    byId('canary-list').appendChild(root);
    card = {id: id, root: root, data: null};
    state.canaryCards.set(name, card);
    return card;
  }

  function renderCanary(canary) {
    const card = canaryCard(canary.name);
    card.data = canary;
    const id = card.id;
    const badge = byId(id + '-state');
    badge.textContent = canary.state;
    badge.className = 'badge ' + canary.state.toLowerCase();
    const steps = canary.steps || [];
    byId(id + '-position').textContent = 'Weight ' + canary.weight + '%'
      + (canary.step >= 0 ? ', step ' + (canary.step + 1) + ' of ' + steps.length : '')
      + (steps.length ? ' (steps: ' + steps.map(s => s + '%').join(', ') + ')' : '');

    const marks = state.verdictMarks.get(canary.name) || [];
    if (canary.latestVerdict && !marks.some(m => m.at === canary.latestVerdict.at)) {
      marks.push({at: canary.latestVerdict.at, result: canary.latestVerdict.result,
        summary: canary.latestVerdict.summary});
      state.verdictMarks.set(canary.name, marks.slice(-MAX_SAMPLES));
    }
    renderCanaryChart(byId(id + '-chart'), canary, marks);
    renderVerdict(byId(id + '-verdict'), canary);

    const canWrite = state.me && state.me.canWrite;
    for (const [action, spec] of Object.entries(ACTIONS)) {
      byId(id + '-' + action).disabled = !canWrite || !spec.allowed.includes(canary.state);
    }
    const rows = clear(byId(id + '-history'));
    if (canary.historyStale) {
      rows.appendChild(el('tr', {}, el('td', {colspan: 6, class: 'muted'},
        'The store cannot be reached now: these are the transitions this instance knows; the latest may be missing.')));
    }
    for (const t of (canary.history || []).slice().reverse()) {
      rows.appendChild(el('tr', {}, el('td', {}, time(t.at)), el('td', {}, t.action), el('td', {}, t.actor),
        el('td', {}, t.state), el('td', {class: 'num'}, t.weight + '%'), el('td', {class: 'reason'}, t.reason || '—')));
    }
  }

  function renderVerdict(box, canary) {
    clear(box);
    if (canary.awaitingOperator) {
      box.appendChild(el('p', {class: 'alert'}, 'Waiting for an operator: the step stayed inconclusive past its '
        + 'limit. Promote, resume or abort it.'));
    }
    const v = canary.latestVerdict;
    if (!v) {
      box.appendChild(el('p', {class: 'muted'}, canary.lastVerdict
        ? 'Last verdict: ' + canary.lastVerdict : 'No verdict yet on this instance.'));
      return;
    }
    const action = {advance: 'the weight steps up', promote: 'the canary is promoted',
      rollback: 'the canary is rolled back', hold: 'the weight is held',
      'wait-for-operator': 'the canary waits for an operator'}[v.action] || v.action;
    box.appendChild(el('h4', {}, 'Latest verdict: ', el('span', {class: 'badge ' + v.result.toLowerCase()},
      v.result)));
    box.appendChild(el('p', {}, 'At ' + time(v.at) + ', step ' + (v.step + 1) + ': ' + v.baselineRequests
      + ' baseline and ' + v.canaryRequests + ' canary requests were compared, and '
      + (v.dryRun ? 'in this dry run ' + action + ' would follow.' : action + '.')));
    box.appendChild(el('p', {class: 'summary'}, v.summary));
    const list = el('ul', {class: 'metrics'});
    for (const m of v.metrics || []) {
      const change = m.relativeChange === null ? 'no comparison yet'
        : 'the canary is ' + percent(Math.abs(m.relativeChange)) + (m.relativeChange >= 0 ? ' higher' : ' lower')
          + ' than the baseline (' + number(m.canary) + ' vs ' + number(m.baseline) + ')'
          + (m.ciLow !== null && m.ciHigh !== null
            ? ', with 95% confidence between ' + percent(m.ciLow) + ' and ' + percent(m.ciHigh) : '')
          + '; ' + percent(m.allowedChange, 0) + ' is allowed';
      list.appendChild(el('li', {}, el('strong', {}, m.metric), ' ',
        el('span', {class: 'badge ' + m.result.toLowerCase()}, m.result), ': ', m.reason || change + '.'));
    }
    box.appendChild(list);
  }

  /** Weight over time as a step line, from the transitions, with the verdicts marked. */
  function renderCanaryChart(box, canary, marks) {
    clear(box);
    const points = (canary.history || []).map(t => ({t: Date.parse(t.at), w: t.weight, action: t.action,
      state: t.state, reason: t.reason}));
    const now = Date.now();
    if (!points.length) {
      box.appendChild(el('p', {class: 'muted'}, 'No transitions yet.'));
      return;
    }
    const W = 560;
    const H = 180;
    const left = 40;
    const right = 12;
    const top = 12;
    const bottom = 28;
    const t0 = points[0].t;
    const t1 = Math.max(now, t0 + 1000);
    const x = t => left + (W - left - right) * (t - t0) / (t1 - t0);
    const y = w => top + (H - top - bottom) * (1 - w / 100);
    const title = 'Weight of ' + canary.name + ' over time, from ' + points[0].w + '% to ' + canary.weight + '%';
    const chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title,
      class: 'weight-chart', preserveAspectRatio: 'xMidYMid meet'});
    chart.appendChild(svg('title', {}, title));
    for (const w of [0, 25, 50, 75, 100]) {
      chart.appendChild(svg('line', {x1: left, x2: W - right, y1: y(w), y2: y(w), class: 'grid'}));
      chart.appendChild(svg('text', {x: left - 6, y: y(w) + 4, 'text-anchor': 'end', class: 'axis'}, w + '%'));
    }
    let d = 'M' + x(points[0].t).toFixed(1) + ' ' + y(points[0].w).toFixed(1);
    for (const p of points.slice(1)) {
      d += ' H' + x(p.t).toFixed(1) + ' V' + y(p.w).toFixed(1);
    }
    d += ' H' + x(t1).toFixed(1);
    chart.appendChild(svg('path', {d: d, class: 'weight-line'}));
    chart.appendChild(svg('text', {x: left, y: H - 8, class: 'axis'}, new Date(t0).toLocaleTimeString()));
    chart.appendChild(svg('text', {x: W - right, y: H - 8, 'text-anchor': 'end', class: 'axis'},
      new Date(t1).toLocaleTimeString()));
    // Transitions the controller made on a verdict, and manual ones.
    for (const p of points) {
      const result = p.action === 'rollback' ? 'fail' : (p.action === 'advance' || (p.action === 'promote'
        && p.reason && /^PASS/.test(p.reason))) ? 'pass' : 'manual';
      const mark = svg('circle', {cx: x(p.t), cy: y(p.w), r: 5, class: 'mark ' + result});
      mark.appendChild(svg('title', {}, time(new Date(p.t).toISOString()) + ': ' + p.action + ' → ' + p.state + ' '
        + p.w + '%' + (p.reason ? ' (' + p.reason + ')' : '')));
      chart.appendChild(mark);
    }
    // Every look of the judge seen by this page, held ones too.
    for (const m of marks) {
      const t = Date.parse(m.at);
      if (t < t0) {
        continue;
      }
      const mark = svg('rect', {x: x(t) - 4, y: H - bottom + 2, width: 8, height: 8,
        class: 'mark ' + m.result.toLowerCase()});
      mark.appendChild(svg('title', {}, time(m.at) + ': ' + m.summary));
      chart.appendChild(mark);
    }
    box.appendChild(chart);
    box.appendChild(el('p', {class: 'legend muted'},
      el('span', {class: 'key pass'}, '●'), ' passed  ', el('span', {class: 'key fail'}, '●'), ' failed  ',
      el('span', {class: 'key manual'}, '●'), ' start or by hand  ', el('span', {class: 'key inconclusive'}, '■'),
      ' look of the judge'));
  }

  async function canaryAction(name, action) {
    const card = state.canaryCards.get(name);
    const id = card.id;
    const message = byId(id + '-message');
    const reason = reasonOrComplain(id + '-reason', id + '-message');
    if (reason === null) {
      return;
    }
    const c = card.data;
    const outcome = {
      promote: 'one step up (or promoted after the last step)',
      'promote-fully': 'the weight goes to 100% at once: PROMOTED',
      pause: 'the weight is held at ' + c.weight + '% and the judge stops',
      resume: 'the judge starts the step again',
      abort: 'the weight goes to 0% at once: ROLLED_BACK',
    }[action];
    const ok = await confirmDialog(ACTIONS[action].label + ' canary ' + name + '?', [
      el('p', {}, 'Now: ' + c.state + ' at ' + c.weight + '%. After: ' + outcome + '.'),
      el('p', {}, 'Reason: ', el('q', {}, reason))], ACTIONS[action].label);
    if (!ok) {
      return;
    }
    try {
      const after = await call('POST', endpoint('canaries', name), {action: ACTIONS[action].action, reason: reason,
        fully: ACTIONS[action].fully === true});
      message.textContent = ACTIONS[action].label + ': ' + name + ' is ' + after.state + ' at ' + after.weight + '%.';
      byId(id + '-reason').value = '';
      renderCanary(after);
    } catch (e) {
      message.textContent = e.status === 409
        ? 'Another instance changed ' + name + ' at the same time; nothing was done. Its new state is shown.'
        : refusal(e, 'act on canaries');
      await refreshCanaries();
    }
  }

  async function refreshCanaries() {
    let report;
    try {
      report = await call('GET', endpoint('canaries'));
    } catch (e) {
      const empty = byId('canaries-empty');
      empty.textContent = e.status === 404
        ? 'The canaries endpoint is not exposed (management.endpoints.web.exposure.include).'
        : 'Cannot read canaries: ' + e.message;
      empty.hidden = false;
      state.canaryNames = new Set();
      return;
    }
    const canaries = report.canaries || [];
    state.canaryNames = new Set(canaries.map(c => c.name));
    const empty = byId('canaries-empty');
    empty.textContent = 'No canary releases.';
    empty.hidden = canaries.length > 0;
    const details = await Promise.all(canaries.map(c => call('GET', endpoint('canaries', c.name)).catch(() => c)));
    for (const canary of details) {
      renderCanary(canary);
    }
  }

  // ---------------------------------------------------------------- parallel runs

  function experimentCard(name) {
    let card = state.experimentCards.get(name);
    if (card) {
      return card;
    }
    const id = 'experiment-' + idPart(name);
    const root = el('article', {class: 'card experiment', id: id, 'aria-labelledby': id + '-title'},
      el('h3', {id: id + '-title'}, name),
      el('p', {id: id + '-meta', class: 'muted'}),
      el('div', {class: 'scroll'}, el('table', {class: 'counts'},
        el('caption', {class: 'sr-only'}, 'Comparisons of ' + name + ' per outcome'),
        el('thead', {}, el('tr', {id: id + '-count-head'})), el('tbody', {}, el('tr', {id: id + '-count-row'})))),
      el('div', {id: id + '-rate', class: 'chart'}),
      el('h4', {}, 'Recent mismatches'),
      el('div', {id: id + '-mismatches'}));
    byId('experiment-list').appendChild(root);
    card = {id: id, root: root, mismatches: null, opened: new Set()};
    state.experimentCards.set(name, card);
    return card;
  }

  function renderExperiment(experiment) {
    const card = experimentCard(experiment.name);
    const id = card.id;
    const counts = experiment.comparisons || {};
    const match = counts.match || 0;
    const mismatch = counts.mismatch || 0;
    byId(id + '-meta').textContent = experiment.mode + ', candidates: ' + (experiment.candidates || []).join(', ')
      + '. Match rate: ' + (match + mismatch ? percent(match / (match + mismatch)) : 'n/a') + ' of '
      + (match + mismatch) + ' compared results.';
    const head = clear(byId(id + '-count-head'));
    const row = clear(byId(id + '-count-row'));
    for (const [outcome, count] of Object.entries(counts)) {
      head.appendChild(el('th', {scope: 'col'}, outcome.replace('_', ' ')));
      row.appendChild(el('td', {class: 'num ' + outcome}, String(count)));
    }
    // The match rate between two polls: the endpoint gives running totals, the page keeps the samples.
    const samples = state.matchSamples.get(experiment.name) || [];
    const last = samples[samples.length - 1];
    const sample = {t: Date.now(), match: match, mismatch: mismatch, rate: null};
    if (last) {
      const dm = match - last.match;
      const dx = mismatch - last.mismatch;
      sample.rate = dm + dx > 0 ? dm / (dm + dx) : null;
    } else if (match + mismatch > 0) {
      sample.rate = match / (match + mismatch);
    }
    samples.push(sample);
    state.matchSamples.set(experiment.name, samples.slice(-MAX_SAMPLES));
    renderRateChart(byId(id + '-rate'), experiment.name, samples);

    // Rebuilt only when they changed, and the ones the user opened stay open.
    const mismatches = (experiment.recentMismatches || []).slice().reverse().slice(0, 10);
    const signature = JSON.stringify(mismatches);
    if (card.mismatches === signature) {
      return;
    }
    card.mismatches = signature;
    const box = clear(byId(id + '-mismatches'));
    if (!mismatches.length) {
      box.appendChild(el('p', {class: 'muted'}, 'None kept.'));
    }
    for (const m of mismatches) {
      const key = m.candidate + '#' + m.sequence;
      box.appendChild(el('details', {class: 'mismatch', open: card.opened.has(key) ? true : null,
        ontoggle: e => { if (e.target.open) { card.opened.add(key); } else { card.opened.delete(key); } }},
        el('summary', {}, '#' + m.sequence + ' ' + time(m.time) + ', ' + m.candidate + ': '
          + m.differences.length + (m.differences.length === 1 ? ' difference' : ' differences')),
        el('ul', {class: 'diff'}, (m.differences || []).map(d => el('li', {}, el('code', {}, d)))),
        el('dl', {}, el('dt', {}, 'Control'), el('dd', {}, el('code', {}, m.control)),
          el('dt', {}, 'Candidate'), el('dd', {}, el('code', {}, m.candidateValue)))));
    }
  }

  function renderRateChart(box, name, samples) {
    clear(box);
    const points = samples.filter(s => s.rate !== null);
    if (points.length < 1) {
      box.appendChild(el('p', {class: 'muted'}, 'Match rate over time: waiting for comparisons.'));
      return;
    }
    const W = 560;
    const H = 120;
    const left = 40;
    const right = 12;
    const top = 10;
    const bottom = 22;
    const t0 = samples[0].t;
    const t1 = Math.max(samples[samples.length - 1].t, t0 + 1000);
    const x = t => left + (W - left - right) * (t - t0) / (t1 - t0);
    const y = r => top + (H - top - bottom) * (1 - r);
    const latest = points[points.length - 1].rate;
    const title = 'Match rate of ' + name + ' between polls, latest ' + percent(latest);
    const chart = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title, class: 'rate-chart'});
    chart.appendChild(svg('title', {}, title));
    for (const r of [0, 0.5, 1]) {
      chart.appendChild(svg('line', {x1: left, x2: W - right, y1: y(r), y2: y(r), class: 'grid'}));
      chart.appendChild(svg('text', {x: left - 6, y: y(r) + 4, 'text-anchor': 'end', class: 'axis'},
        (r * 100) + '%'));
    }
    chart.appendChild(svg('polyline', {class: 'rate-line',
      points: points.map(p => x(p.t).toFixed(1) + ',' + y(p.rate).toFixed(1)).join(' ')}));
    for (const p of points) {
      chart.appendChild(svg('circle', {cx: x(p.t), cy: y(p.rate), r: 3, class: 'rate-dot'}));
    }
    chart.appendChild(svg('text', {x: left, y: H - 6, class: 'axis'}, new Date(t0).toLocaleTimeString()));
    chart.appendChild(svg('text', {x: W - right, y: H - 6, 'text-anchor': 'end', class: 'axis'},
      new Date(t1).toLocaleTimeString()));
    box.appendChild(chart);
  }

  function renderShadow(routes) {
    const section = byId('shadow');
    section.hidden = !routes;
    if (!routes) {
      return;
    }
    const signature = JSON.stringify(routes);
    if (state.shadowSignature === signature) {
      return;
    }
    state.shadowSignature = signature;
    const box = clear(byId('shadow-routes'));
    if (!routes.length) {
      box.appendChild(el('p', {class: 'muted'}, 'No shadowed request yet.'));
    }
    for (const route of routes) {
      const fields = route.fields || route.realDifferences || [];
      box.appendChild(el('article', {class: 'card route'},
        el('h4', {}, 'Route ', el('code', {}, route.name)),
        el('p', {}, route.compared + ' compared, ' + route.mismatched + ' with real differences, '
          + route.candidateErrors + ' candidate errors, ' + route.timeouts + ' timeouts, ' + route.rejected
          + ' rejected' + (route.secondaryFailures ? ', ' + route.secondaryFailures + ' secondary failures' : '')
          + '.'),
        el('div', {class: 'scroll'}, el('table', {class: 'fields'},
          el('caption', {class: 'sr-only'}, 'Fields that differed on ' + route.name),
          el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'Field'), el('th', {scope: 'col'}, 'Judged'),
            el('th', {scope: 'col'}, 'Differed (candidate)'), el('th', {scope: 'col'}, 'Differed (two primaries)'),
            el('th', {scope: 'col'}, 'Samples'))),
          el('tbody', {}, fields.length ? fields.map(f => el('tr', {class: f.real === false ? 'noise' : 'real'},
            el('th', {scope: 'row'}, el('code', {}, f.path)),
            el('td', {}, el('span', {class: 'badge ' + (f.real === false ? 'noise' : 'fail')},
              f.real === false ? 'noise' : 'real')),
            el('td', {class: 'num'}, String(f.raw)),
            el('td', {class: 'num'}, String(f.noise)),
            el('td', {}, el('ul', {class: 'diff'}, (f.samples || []).map(s => el('li', {}, el('code', {}, s)))))))
            : el('tr', {}, el('td', {colspan: 5}, 'No field differed.')))))));
    }
  }

  async function refreshParallelRuns() {
    let report;
    try {
      report = await call('GET', endpoint('parallelruns'));
    } catch (e) {
      const empty = byId('experiments-empty');
      empty.textContent = e.status === 404
        ? 'The parallelruns endpoint is not exposed (management.endpoints.web.exposure.include).'
        : 'Cannot read parallel runs: ' + e.message;
      empty.hidden = false;
      return;
    }
    const experiments = report.experiments || [];
    const empty = byId('experiments-empty');
    empty.textContent = 'No experiments.';
    empty.hidden = experiments.length > 0;
    const details = await Promise.all(experiments.map(x => call('GET', endpoint('parallelruns', x.name))
      .catch(() => x)));
    details.forEach(renderExperiment);
    renderShadow(report.shadowRoutes);
  }

  // ---------------------------------------------------------------- polling

  /**
   * Reads everything once and plans the next read. A tab in the background reads nothing (a console left open all
   * night costs the instance nothing); it reads again as soon as it is shown.
   */
  async function poll() {
    state.timer = null;
    if (document.hidden) {
      state.readWhenShown = true;
      byId('status').textContent = 'Paused while the tab is in the background.';
      return;
    }
    const problems = [];
    await refreshCanaries().catch(e => problems.push('canaries: ' + e.message));
    await refreshFlags().catch(e => problems.push('flags: ' + (e.status === 404
      ? 'the toggles endpoint is not exposed' : e.message)));
    await loadFlagDetail().catch(e => problems.push('flag: ' + e.message));
    await refreshParallelRuns().catch(e => problems.push('parallel runs: ' + e.message));
    byId('status').textContent = 'Updated at ' + new Date().toLocaleTimeString() + '; the page reads again every '
      + Math.round(state.pollMillis / 1000) + ' s.';
    showAlert(problems.length ? 'Some parts could not be read: ' + problems.join('; ') : '');
    state.timer = window.setTimeout(poll, state.pollMillis);
  }

  function pollWhenShown() {
    if (!document.hidden && state.readWhenShown) {
      state.readWhenShown = false;
      poll();
    }
  }

  async function start() {
    byId('flag-search').addEventListener('input', renderFlagTable);
    byId('flag-detail').addEventListener('change', e => {
      if (e.target.id === 'flag-variant') {
        e.target.dataset.touched = 'true';
      }
    });
    byId('logout-form').addEventListener('submit', () => {
      byId('logout-csrf').value = cookie('XSRF-TOKEN');
    });
    byId('logout-csrf').value = cookie('XSRF-TOKEN');
    try {
      state.me = await call('GET', 'me');
    } catch (e) {
      showAlert('Cannot tell who you are: ' + e.message);
      return;
    }
    state.actuator = state.me.actuator;
    state.pollMillis = Math.max(500, state.me.pollMillis || 5000);
    byId('user-name').textContent = state.me.name;
    // Without Spring Security there is no login, so nothing to log out of.
    byId('logout-form').hidden = state.me.name === 'anonymous';
    const role = byId('user-role');
    role.textContent = state.me.canWrite ? 'can change' : 'read only';
    role.className = 'badge ' + (state.me.canWrite ? 'enabled' : 'disabled');
    document.body.dataset.canWrite = String(state.me.canWrite);
    document.addEventListener('visibilitychange', pollWhenShown);
    await poll();
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
