// Reading the page's sections again every poll interval. A tab in the background reads nothing (a console left open
// all night costs the instance nothing); it reads again as soon as it is shown.
//
// The scheduler shows its state on the body, for tests and for anyone inspecting the page:
// `data-polls` counts the reads that ended, and `data-poll-state` is `reading` while one is under way, `scheduled`
// while the next one waits for its timer, and `paused` while the tab is hidden (no timer pending).

import {byId, showAlert} from './dom.js';
import {pollMillis} from './store.js';

let sections = [];
let polls = 0;
/** The timer of the next read, or null when none is pending. */
let timer = null;
let state = 'idle';

/**
 * Reads every section now and then every poll interval. Each section is {label, refresh}; they are read one after
 * the other, in this order, and a section that cannot be read is named in the alert while the others still show.
 */
export async function startPolling(list) {
  sections = list;
  document.addEventListener('visibilitychange', pollWhenShown);
  await poll();
}

function setState(next) {
  state = next;
  document.body.dataset.pollState = next;
}

async function poll() {
  timer = null;
  if (document.hidden) {
    setState('paused');
    byId('status').textContent = 'Paused while the tab is in the background.';
    return;
  }
  setState('reading');
  const problems = [];
  for (const section of sections) {
    await Promise.resolve().then(section.refresh).catch(e => problems.push(section.label + ': ' + e.message));
  }
  polls++;
  document.body.dataset.polls = String(polls);
  byId('status').textContent = 'Updated at ' + new Date().toLocaleTimeString() + '; the page reads again every '
    + Math.round(pollMillis() / 1000) + ' s.';
  showAlert(problems.length ? 'Some parts could not be read: ' + problems.join('; ') : '');
  timer = window.setTimeout(poll, pollMillis());
  setState('scheduled');
}

/** A tab shown again reads at once when it was paused; a read under way or a pending one is left to run. */
function pollWhenShown() {
  if (!document.hidden && state === 'paused') {
    poll();
  }
}
