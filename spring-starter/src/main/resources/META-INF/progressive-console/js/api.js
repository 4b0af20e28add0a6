// Calls to the actuator endpoints (and to the console's own GET me): JSON in and out, the session's cookie, the CSRF
// token on writes, and the move to the login form when the session has ended.

import {csrfToken} from './cookies.js';
import {actuator} from './store.js';

/** A refused call: its HTTP status and the endpoint's JSON body (whose 'error' is the message). */
export class HttpError extends Error {
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

/** Calls the URL; resolves with the parsed JSON answer (null when empty), rejects with an HttpError. */
export async function call(method, url, body) {
  const headers = Object.assign({'Accept': 'application/json'}, SCRIPT_CALL);
  if (method !== 'GET' && !csrfToken()) {
    // Every console response sets the token cookie; a cleared one comes back with the next.
    await fetch('me', {credentials: 'same-origin', headers: Object.assign({'Accept': 'application/json'},
      SCRIPT_CALL)});
  }
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-XSRF-TOKEN'] = csrfToken();
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

/** The URL of an actuator endpoint, or of one of its entries (the selector is encoded). */
export function endpoint(name, selector) {
  return actuator() + '/' + name + (selector === undefined ? '' : '/' + encodeURIComponent(selector));
}

/** A refused write in words: 'what' is what the user tried, such as 'change flags'. */
export function refusal(error, what) {
  if (error.status === 403) {
    return 'Refused: you may not ' + what + ' (it needs the write role), or the request lacked its CSRF token. '
      + (error.body && error.body.error ? error.body.error : '');
  }
  if (error.status === 404) {
    return 'Not found: ' + (error.body && error.body.error ? error.body.error : error.message);
  }
  return error.message;
}
