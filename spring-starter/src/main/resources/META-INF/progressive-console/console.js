// Progressive's ops console: the page's entry module. It asks who is looking (GET me), then reads and changes
// everything through the actuator endpoints (toggles, canaries, releases, parallelruns), polling them. Each section of the page
// is a module of js/ with a refresh(); a new section is one more module and one more line in SECTIONS below (and its
// <section> in index.html). docs/console.md describes the modules.

import {call} from './js/api.js';
import * as canaries from './js/canaries.js';
import {csrfToken} from './js/cookies.js';
import {byId, showAlert} from './js/dom.js';
import * as experiments from './js/experiments.js';
import * as flags from './js/flags.js';
import {startPolling} from './js/polling.js';
import * as releases from './js/releases.js';
import {canWrite, startSession, userName} from './js/store.js';

/** What a poll reads, in order: the canaries first, whose names take their state flags out of the flag list. */
const SECTIONS = [
  {label: 'canaries', refresh: canaries.refresh},
  {label: 'release plans', refresh: releases.refresh},
  {label: 'flags', refresh: flags.refresh},
  {label: 'flag', refresh: flags.refreshDetail},
  {label: 'parallel runs', refresh: experiments.refresh},
];

async function start() {
  flags.init();
  byId('logout-form').addEventListener('submit', () => {
    byId('logout-csrf').value = csrfToken();
  });
  byId('logout-csrf').value = csrfToken();
  try {
    startSession(await call('GET', 'me'));
  } catch (e) {
    showAlert('Cannot tell who you are: ' + e.message);
    return;
  }
  byId('user-name').textContent = userName();
  // Without Spring Security there is no login, so nothing to log out of.
  byId('logout-form').hidden = userName() === 'anonymous';
  const role = byId('user-role');
  role.textContent = canWrite() ? 'can change' : 'read only';
  role.className = 'badge ' + (canWrite() ? 'enabled' : 'disabled');
  document.body.dataset.canWrite = String(canWrite());
  await startPolling(SECTIONS);
  document.body.dataset.ready = 'true';
}

// A module runs once the document is parsed, as a deferred script does.
start();
