'use strict';
// The login form posts the CSRF token of the XSRF-TOKEN cookie, which the server set when it served this page.
(function () {
  function cookie(name) {
    const prefix = name + '=';
    for (const part of document.cookie.split(';')) {
      const p = part.trim();
      if (p.startsWith(prefix)) {
        return decodeURIComponent(p.substring(prefix.length));
      }
    }
    return '';
  }

  document.addEventListener('DOMContentLoaded', function () {
    const form = document.getElementById('login-form');
    const token = document.getElementById('login-csrf');
    token.value = cookie('XSRF-TOKEN');
    form.addEventListener('submit', function () {
      token.value = cookie('XSRF-TOKEN');
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
  });
})();
