// The Releases section: a card per release plan with its stages as a timeline (done, current, pending, rolled
// back), the current gate's evidence, the history, and, for users with the write role only, the plan's actions
// (approve, advance, pause, resume, abort), each with a reason and a confirmation.

import {call, endpoint, refusal} from './api.js';
import {confirmDialog, reasonOrComplain} from './ask.js';
import {byId, clear, el, idPart} from './dom.js';
import {time} from './format.js';
import {canWrite, setReleaseNames} from './store.js';

const LIVE = ['PENDING', 'RUNNING', 'PAUSED'];

const ACTIONS = {
  approve: {label: 'Approve', outcome: 'the approval is given and the plan moves to its next stage',
    allowed: plan => plan.status.state === 'RUNNING' && currentKind(plan) === 'approval'},
  advance: {label: 'Advance', outcome: 'the plan leaves its current stage for the next one once its gate passed',
    allowed: plan => plan.status.state === 'RUNNING'},
  pause: {label: 'Pause', outcome: 'the plan holds at its current stage; routing stays as it is',
    allowed: plan => plan.status.state === 'RUNNING'},
  resume: {label: 'Resume', outcome: 'the plan goes on from its current stage',
    allowed: plan => plan.status.state === 'PAUSED'},
  abort: {label: 'Abort', outcome: 'every instance returns to the old implementation at once: ROLLED_BACK',
    allowed: plan => LIVE.includes(plan.status.state)},
};

/** name → {id, root, data, shown}: each plan's card, built once; 'shown' is the data last rendered, as JSON. */
const cards = new Map();

/** Reads every plan, then each in full, and shows them. */
export async function refresh() {
  const empty = byId('releases-empty');
  let report;
  try {
    report = await call('GET', endpoint('releases'));
  } catch (e) {
    empty.textContent = e.status === 404
      ? 'The releases endpoint is not exposed (management.endpoints.web.exposure.include).'
      : 'Cannot read release plans: ' + e.message;
    empty.hidden = false;
    setReleaseNames([]);
    return;
  }
  const plans = report.releases || [];
  setReleaseNames(plans.map(p => p.name));
  empty.textContent = 'No release plans.';
  empty.hidden = plans.length > 0;
  const details = await Promise.all(plans.map(p => call('GET', endpoint('releases', p.name))
    .catch(() => ({status: p, stages: [], gate: null, history: []}))));
  for (const plan of details) {
    render(plan);
  }
}

function currentKind(plan) {
  const stage = (plan.stages || []).find(s => s.current);
  return stage ? stage.kind : null;
}

function card(name) {
  let found = cards.get(name);
  if (found) {
    return found;
  }
  const id = 'release-' + idPart(name);
  const root = el('article', {class: 'card release', id: id, 'aria-labelledby': id + '-title'},
    el('h3', {id: id + '-title'}, name, ' ', el('span', {class: 'badge', id: id + '-state'})),
    el('p', {id: id + '-position'}),
    el('ol', {id: id + '-stages', class: 'timeline', 'aria-label': 'Stages of ' + name}),
    el('div', {class: 'gate'},
      el('p', {}, el('strong', {}, 'Current gate: '), el('span', {class: 'badge', id: id + '-gate-result'}), ' ',
        el('span', {id: id + '-gate-evidence'})),
      el('p', {}, el('strong', {}, 'Last transition rested on: '), el('span', {id: id + '-evidence'})),
      el('p', {id: id + '-removable', class: 'note', hidden: true})),
    canWrite() ? controls(name, id) : el('p', {class: 'muted', id: id + '-read-only'},
      'You can look but not change release plans: actions need the write role.'),
    el('p', {id: id + '-message', role: 'status', 'aria-live': 'polite'}),
    el('div', {class: 'scroll'}, el('table', {},
      el('caption', {}, 'History of ' + name + ', newest first'),
      el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'When'), el('th', {scope: 'col'}, 'Action'),
        el('th', {scope: 'col'}, 'Who'), el('th', {scope: 'col'}, 'Reason and evidence'))),
      el('tbody', {id: id + '-history'}))));
  byId('release-list').appendChild(root);
  found = {id: id, root: root, data: null, shown: null};
  cards.set(name, found);
  return found;
}

/** The reason, the force option and the action buttons: built only for a user with the write role. */
function controls(name, id) {
  const buttons = Object.entries(ACTIONS).map(([action, spec]) => el('button', {
    type: 'button', id: id + '-' + action, 'data-release-action': action, disabled: true,
    class: action === 'abort' ? 'danger' : null, onclick: () => act(name, action)}, spec.label));
  return el('div', {class: 'release-actions'},
    el('p', {class: 'field'}, el('label', {for: id + '-reason'}, 'Reason'),
      el('input', {id: id + '-reason', type: 'text', maxlength: 500, autocomplete: 'off',
        placeholder: 'why, for the audit'})),
    el('p', {class: 'field force'},
      el('input', {id: id + '-force', type: 'checkbox'}),
      el('label', {for: id + '-force'},
        'Force: advance even though the gate has not passed (audited as forced)')),
    el('div', {class: 'buttons', role: 'group', 'aria-label': 'Actions on ' + name}, buttons));
}

function stageState(plan, index) {
  const s = plan.status;
  if (s.state === 'COMPLETED' || index < s.stageIndex) {
    return 'done';
  }
  if (index === s.stageIndex) {
    return s.state === 'ROLLED_BACK' ? 'rolled back' : 'current';
  }
  return 'pending';
}

function render(plan) {
  const c = card(plan.status.name);
  c.data = plan;
  const json = JSON.stringify(plan);
  if (json === c.shown) {
    return;
  }
  c.shown = json;
  const id = c.id;
  const s = plan.status;
  const stages = plan.stages || [];
  const badge = byId(id + '-state');
  badge.textContent = s.state;
  badge.className = 'badge ' + s.state.toLowerCase();
  byId(id + '-position').textContent = (s.stageIndex >= 0
    ? 'Stage ' + s.stage + ' (' + (s.stageIndex + 1) + ' of ' + stages.length + ')' : 'Not started')
    + (s.canary ? ', driving the canary ' + s.canary : '')
    + (s.stageStartedAt ? ', since ' + time(s.stageStartedAt) : '')
    + (plan.driving ? '; this instance drives it' : '');

  const timeline = clear(byId(id + '-stages'));
  stages.forEach((stage, i) => {
    const state = stageState(plan, i);
    timeline.appendChild(el('li', {class: 'stage ' + state.replace(' ', '-'), 'data-stage-state': state,
      'aria-current': state === 'current' ? 'step' : null},
      el('span', {class: 'stage-name'}, stage.name), ' ',
      el('span', {class: 'muted'}, stage.kind === stage.name ? '' : '(' + stage.kind + ') '),
      el('span', {class: 'stage-state'}, state),
      stage.manualGate ? el('span', {class: 'muted'}, ' · manual gate') : null));
  });

  const gateResult = byId(id + '-gate-result');
  gateResult.textContent = plan.gate ? plan.gate.result : '—';
  gateResult.className = 'badge ' + (plan.gate ? plan.gate.result.toLowerCase() : '');
  byId(id + '-gate-evidence').textContent = plan.gate ? plan.gate.evidence : 'not read';
  byId(id + '-evidence').textContent = s.evidence || '—';
  const removable = byId(id + '-removable');
  removable.textContent = 'The old implementation can be removed: deleting its code is up to you.';
  removable.hidden = !s.oldImplementationRemovable;

  if (canWrite()) {
    for (const [action, spec] of Object.entries(ACTIONS)) {
      byId(id + '-' + action).disabled = !spec.allowed(plan);
    }
    byId(id + '-force').disabled = !ACTIONS.advance.allowed(plan);
  }

  const rows = clear(byId(id + '-history'));
  if (plan.historyStale) {
    rows.appendChild(el('tr', {}, el('td', {colspan: 4, class: 'muted'},
      'The store cannot be reached now: these are the transitions this instance knows; the latest may be missing.')));
  }
  for (const t of (plan.history || []).slice().reverse()) {
    rows.appendChild(el('tr', {class: t.action === 'force_advance' ? 'forced' : null},
      el('td', {}, time(t.at)), el('td', {}, t.action), el('td', {}, t.actor),
      el('td', {class: 'reason'}, t.reason || '—')));
  }
}

async function act(name, action) {
  const c = cards.get(name);
  const id = c.id;
  const message = byId(id + '-message');
  const reason = reasonOrComplain(id + '-reason', id + '-message');
  if (reason === null) {
    return;
  }
  const force = action === 'advance' && byId(id + '-force').checked;
  const spec = ACTIONS[action];
  const label = force ? 'Force advance' : spec.label;
  const now = c.data.status;
  const ok = await confirmDialog(label + ' release plan ' + name + '?', [
    el('p', {}, 'Now: ' + now.state + ' at stage ' + now.stage + '. After: '
      + (force ? 'the plan leaves its current stage even though its gate has not passed' : spec.outcome) + '.'),
    force ? el('p', {class: 'warning'}, 'Forced: the audit records this as force_advance.') : null,
    el('p', {}, 'Reason: ', el('q', {}, reason))], label);
  if (!ok) {
    return;
  }
  const body = {action: action, reason: reason};
  if (action === 'advance') {
    body.force = force;
  }
  try {
    const after = await call('POST', endpoint('releases', name), body);
    message.textContent = label + ': ' + name + ' is ' + after.status.state + ' at stage ' + after.status.stage + '.';
    byId(id + '-reason').value = '';
    byId(id + '-force').checked = false;
    render(after);
  } catch (e) {
    message.textContent = words(e, name);
    await refresh();
  }
}

/** A refused action in the page's words; nothing was changed in any of these. */
function words(error, name) {
  const message = error.body && error.body.error ? error.body.error : error.message;
  const said = /[.!?]$/.test(message) ? message : message + '.';
  if (error.status === 409) {
    return 'Not done: ' + said + ' Nothing changed; the plan\'s current state is shown.';
  }
  if (error.status === 503) {
    return 'Not done: the shared store cannot be reached now, so ' + name + ' waits and nothing changed. '
      + 'Try again when the store is back.';
  }
  if (error.status === 400) {
    return 'Not done: ' + said;
  }
  return refusal(error, 'act on release plans');
}
