// Reading the page's sections again every poll interval. A tab in the background reads nothing (a console left open
// all night costs the instance nothing); it reads again as soon as it is shown.

import {byId, showAlert} from './dom.js';
import {pollMillis} from './store.js';

let sections = [];
let readWhenShown = false;
let polls = 0;

/**
 * Reads every section now and then every poll interval. Each section is {label, refresh}; they are read one after
 * the other, in this order, and a section that cannot be read is named in the alert while the others still show.
 */
export async function startPolling(list) {
  sections = list;
  document.addEventListener('visibilitychange', pollWhenShown);
  await poll();
}

async function poll() {
  if (document.hidden) {
    readWhenShown = true;
    byId('status').textContent = 'Paused while the tab is in the background.';
    return;
  }
  const problems = [];
  for (const section of sections) {
    await Promise.resolve().then(section.refresh).catch(e => problems.push(section.label + ': ' + e.message));
  }
  polls++;
  document.body.dataset.polls = String(polls);
  byId('status').textContent = 'Updated at ' + new Date().toLocaleTimeString() + '; the page reads again every '
    + Math.round(pollMillis() / 1000) + ' s.';
  showAlert(problems.length ? 'Some parts could not be read: ' + problems.join('; ') : '');
  window.setTimeout(poll, pollMillis());
}

function pollWhenShown() {
  if (!document.hidden && readWhenShown) {
    readWhenShown = false;
    poll();
  }
}
