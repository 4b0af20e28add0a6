// The Canaries section: a card per canary with its state, weight chart, latest verdict, actions (each with a reason
// and a confirmation) and transitions.

import {call, endpoint, refusal} from './api.js';
import {confirmDialog, reasonOrComplain} from './ask.js';
import {renderWeightChart, MAX_POINTS} from './charts.js';
import {byId, clear, el, idPart} from './dom.js';
import {time} from './format.js';
import {canWrite, setCanaryNames} from './store.js';
import {renderVerdict} from './verdict.js';

const ACTIONS = {
  promote: {label: 'Promote', action: 'promote', allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
  'promote-fully': {label: 'Promote to 100%', action: 'promote', fully: true,
    allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
  pause: {label: 'Pause', action: 'pause', allowed: ['PROGRESSING']},
  resume: {label: 'Resume', action: 'resume', allowed: ['PAUSED']},
  abort: {label: 'Abort', action: 'abort', allowed: ['PENDING', 'PROGRESSING', 'PAUSED']},
};

/** name → {id, root, data}: each canary's card, built once. */
const cards = new Map();
/** name → the looks of the judge this page saw ({at, result, summary}), at most MAX_POINTS. */
const verdictMarks = new Map();

/** Reads every canary and shows each; the names go to the store, for the flags section. */
export async function refresh() {
  let report;
  try {
    report = await call('GET', endpoint('canaries'));
  } catch (e) {
    const empty = byId('canaries-empty');
    empty.textContent = e.status === 404
      ? 'The canaries endpoint is not exposed (management.endpoints.web.exposure.include).'
      : 'Cannot read canaries: ' + e.message;
    empty.hidden = false;
    setCanaryNames([]);
    return;
  }
  const canaries = report.canaries || [];
  setCanaryNames(canaries.map(c => c.name));
  const empty = byId('canaries-empty');
  empty.textContent = 'No canary releases.';
  empty.hidden = canaries.length > 0;
  const details = await Promise.all(canaries.map(c => call('GET', endpoint('canaries', c.name)).catch(() => c)));
  for (const canary of details) {
    render(canary);
  }
}

function card(name) {
  let found = cards.get(name);
  if (found) {
    return found;
  }
  const id = 'canary-' + idPart(name);
  const reason = el('input', {id: id + '-reason', type: 'text', maxlength: 500, autocomplete: 'off',
    disabled: canWrite() ? null : true, placeholder: 'why, for the audit'});
  const buttons = Object.entries(ACTIONS).map(([action, spec]) => el('button', {
    type: 'button', id: id + '-' + action, 'data-action': action, disabled: true,
    class: action === 'abort' ? 'danger' : null, onclick: () => act(name, action)}, spec.label));
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
  found = {id: id, root: root, data: null};
  cards.set(name, found);
  return found;
}

function render(canary) {
  const c = card(canary.name);
  c.data = canary;
  const id = c.id;
  const badge = byId(id + '-state');
  badge.textContent = canary.state;
  badge.className = 'badge ' + canary.state.toLowerCase();
  const steps = canary.steps || [];
  byId(id + '-position').textContent = 'Weight ' + canary.weight + '%'
    + (canary.step >= 0 ? ', step ' + (canary.step + 1) + ' of ' + steps.length : '')
    + (steps.length ? ' (steps: ' + steps.map(s => s + '%').join(', ') + ')' : '');

  const marks = verdictMarks.get(canary.name) || [];
  if (canary.latestVerdict && !marks.some(m => m.at === canary.latestVerdict.at)) {
    marks.push({at: canary.latestVerdict.at, result: canary.latestVerdict.result,
      summary: canary.latestVerdict.summary});
    verdictMarks.set(canary.name, marks.slice(-MAX_POINTS));
  }
  renderWeightChart(byId(id + '-chart'), canary, marks);
  renderVerdict(byId(id + '-verdict'), canary);

  for (const [action, spec] of Object.entries(ACTIONS)) {
    byId(id + '-' + action).disabled = !canWrite() || !spec.allowed.includes(canary.state);
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

async function act(name, action) {
  const c = cards.get(name);
  const id = c.id;
  const message = byId(id + '-message');
  const reason = reasonOrComplain(id + '-reason', id + '-message');
  if (reason === null) {
    return;
  }
  const now = c.data;
  const outcome = {
    promote: 'one step up (or promoted after the last step)',
    'promote-fully': 'the weight goes to 100% at once: PROMOTED',
    pause: 'the weight is held at ' + now.weight + '% and the judge stops',
    resume: 'the judge starts the step again',
    abort: 'the weight goes to 0% at once: ROLLED_BACK',
  }[action];
  const ok = await confirmDialog(ACTIONS[action].label + ' canary ' + name + '?', [
    el('p', {}, 'Now: ' + now.state + ' at ' + now.weight + '%. After: ' + outcome + '.'),
    el('p', {}, 'Reason: ', el('q', {}, reason))], ACTIONS[action].label);
  if (!ok) {
    return;
  }
  try {
    const after = await call('POST', endpoint('canaries', name), {action: ACTIONS[action].action, reason: reason,
      fully: ACTIONS[action].fully === true});
    message.textContent = ACTIONS[action].label + ': ' + name + ' is ' + after.state + ' at ' + after.weight + '%.';
    byId(id + '-reason').value = '';
    render(after);
  } catch (e) {
    message.textContent = e.status === 409
      ? 'Another instance changed ' + name + ' at the same time; nothing was done. Its new state is shown.'
      : refusal(e, 'act on canaries');
    await refresh();
  }
}
