// The judge's latest look at a canary, in the judge's own words. The judge keeps an always-valid confidence interval
// (CI) of each metric's relative change (docs/canary-judge.md, "What a verdict means"): a metric FAILs when its CI
// lies wholly beyond the allowed change, PASSes only when its CI lies wholly within its pass margin, and is
// INCONCLUSIVE otherwise. Each metric's 'reason' from the endpoint says which, with its CI and margin; the page
// shows it as it is and adds no confidence level of its own.

import {clear, el} from './dom.js';
import {number, percent, signedPercent, time} from './format.js';

const ACTIONS = {advance: 'the weight steps up', promote: 'the canary is promoted',
  rollback: 'the canary is rolled back', hold: 'the weight is held',
  'wait-for-operator': 'the canary waits for an operator'};

/** Fills the box with the canary's latest verdict, and says first when it waits for an operator. */
export function renderVerdict(box, canary) {
  clear(box);
  if (canary.awaitingOperator) {
    box.appendChild(el('p', {class: 'alert'}, 'Waiting for an operator: the step stayed inconclusive past its '
      + 'limit, and the release holds rather than rolling back. Promote, resume or abort it.'));
  }
  const v = canary.latestVerdict;
  if (!v) {
    box.appendChild(el('p', {class: 'muted'}, canary.lastVerdict
      ? 'Last verdict: ' + canary.lastVerdict : 'No verdict yet on this instance.'));
    return;
  }
  const action = ACTIONS[v.action] || v.action;
  box.appendChild(el('h4', {}, 'Latest verdict: ', el('span', {class: 'badge ' + v.result.toLowerCase()},
    v.result)));
  box.appendChild(el('p', {}, 'At ' + time(v.at) + ', step ' + (v.step + 1) + ': ' + v.baselineRequests
    + ' baseline and ' + v.canaryRequests + ' canary requests were compared, and '
    + (v.dryRun ? 'in this dry run ' + action + ' would follow.' : action + '.')));
  box.appendChild(el('p', {class: 'summary'}, v.summary));
  const list = el('ul', {class: 'metrics'});
  for (const m of v.metrics || []) {
    list.appendChild(el('li', {}, el('strong', {}, m.metric), ' ',
      el('span', {class: 'badge ' + m.result.toLowerCase()}, m.result), ': ', m.reason || numbers(m) + '.'));
  }
  box.appendChild(list);
  box.appendChild(el('p', {class: 'muted'}, 'CI: an always-valid confidence interval of the canary\'s '
    + 'relative change, true at every look of the step at once. A metric passes only when its CI lies within its '
    + 'pass margin, and fails when it lies beyond the allowed change; in between, the step holds its weight and '
    + 'keeps collecting.'));
}

/** A metric's numbers, for a reason the endpoint left empty. */
function numbers(m) {
  if (m.relativeChange === null) {
    return 'no comparison yet; fails beyond the allowed change of ' + percent(m.allowedChange, 0);
  }
  const ci = m.ciLow !== null && m.ciHigh !== null
    ? 'CI ' + signedPercent(m.ciLow) + '..' + signedPercent(m.ciHigh) : 'the CI has no bound on one side yet';
  return 'the canary is ' + percent(Math.abs(m.relativeChange)) + (m.relativeChange >= 0 ? ' higher' : ' lower')
    + ' than the baseline (' + number(m.canary) + ' vs ' + number(m.baseline) + '; ' + ci + '); fails beyond the '
    + 'allowed change of ' + percent(m.allowedChange, 0);
}
