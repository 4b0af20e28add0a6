// The console's two charts, inline SVG built with dom.js: a canary's weight over time and an experiment's match
// rate between polls. Each has a title that says what it shows, for screen readers.

import {clear, el, svg} from './dom.js';
import {percent, time} from './format.js';

/** At most this many points per chart, so that a tab open for days does not grow. */
export const MAX_POINTS = 120;

/**
 * A canary's weight over time as a step line, from its transitions: circles for the transitions (passed, failed, or
 * by hand), small squares for every look of the judge in 'marks' ({at, result, summary}).
 */
export function renderWeightChart(box, canary, marks) {
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

/** An experiment's match rate over time, from samples {t, rate} (rate null when nothing was compared). */
export function renderRateChart(box, name, samples) {
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
