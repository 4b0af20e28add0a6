// The Parallel runs section: a card per experiment (counts, match rate over time, recent mismatches) and the HTTP
// shadowing report with its real and noise fields.

import {call, endpoint} from './api.js';
import {renderRateChart, MAX_POINTS} from './charts.js';
import {byId, clear, el, idPart} from './dom.js';
import {percent, time} from './format.js';

/** name → {id, root, mismatches, opened}: each experiment's card, built once. */
const cards = new Map();
/** name → the match rate between two polls ({t, match, mismatch, rate}), at most MAX_POINTS. */
const matchSamples = new Map();
let shadowSignature = null;

/** Reads every experiment and the shadow routes, and shows them. */
export async function refresh() {
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
  details.forEach(render);
  renderShadow(report.shadowRoutes);
}

function card(name) {
  let found = cards.get(name);
  if (found) {
    return found;
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
  found = {id: id, root: root, mismatches: null, opened: new Set()};
  cards.set(name, found);
  return found;
}

function render(experiment) {
  const c = card(experiment.name);
  const id = c.id;
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
  const samples = matchSamples.get(experiment.name) || [];
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
  matchSamples.set(experiment.name, samples.slice(-MAX_POINTS));
  renderRateChart(byId(id + '-rate'), experiment.name, samples);

  // Rebuilt only when they changed, and the ones the user opened stay open.
  const mismatches = (experiment.recentMismatches || []).slice().reverse().slice(0, 10);
  const signature = JSON.stringify(mismatches);
  if (c.mismatches === signature) {
    return;
  }
  c.mismatches = signature;
  const box = clear(byId(id + '-mismatches'));
  if (!mismatches.length) {
    box.appendChild(el('p', {class: 'muted'}, 'None kept.'));
  }
  for (const m of mismatches) {
    const key = m.candidate + '#' + m.sequence;
    box.appendChild(el('details', {class: 'mismatch', open: c.opened.has(key) ? true : null,
      ontoggle: e => { if (e.target.open) { c.opened.add(key); } else { c.opened.delete(key); } }},
      el('summary', {}, '#' + m.sequence + ' ' + time(m.time) + ', ' + m.candidate + ': '
        + m.differences.length + (m.differences.length === 1 ? ' difference' : ' differences')),
      el('ul', {class: 'diff'}, (m.differences || []).map(d => el('li', {}, el('code', {}, d)))),
      el('dl', {}, el('dt', {}, 'Control'), el('dd', {}, el('code', {}, m.control)),
        el('dt', {}, 'Candidate'), el('dd', {}, el('code', {}, m.candidateValue)))));
  }
}

function renderShadow(routes) {
  const section = byId('shadow');
  section.hidden = !routes;
  if (!routes) {
    return;
  }
  const signature = JSON.stringify(routes);
  if (shadowSignature === signature) {
    return;
  }
  shadowSignature = signature;
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
