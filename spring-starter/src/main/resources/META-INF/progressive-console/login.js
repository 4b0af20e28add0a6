// The login page's module: the form posts the CSRF token of the XSRF-TOKEN cookie, which the server set when it
// served this page, and the page says why it is shown again (a wrong password, a logout).

import {csrfToken} from './js/cookies.js';

const form = document.getElementById('login-form');
const token = document.getElementById('login-csrf');
token.value = csrfToken();
form.addEventListener('submit', () => {
  token.value = csrfToken();
});
const params = new URLSearchParams(window.location.search);
const message = document.getElementById('login-message');
if (params.has('error')) {
  message.textContent = 'Wrong user name or password.';
  message.hidden = false;
} else if (params.has('logout')) {
  message.textContent = 'You are logged out.';
  message.className = 'note';
  message.hidden = false;
}
