// Reading the page's cookies: the CSRF token of the XSRF-TOKEN cookie, which every console response sets. Shared by
// the login page (served before login, so this module is open to everyone) and the console page.

/** The CSRF token cookie's name; the actuator wants it back in the X-XSRF-TOKEN header. */
export const CSRF_COOKIE = 'XSRF-TOKEN';

/** The value of a cookie of this document, decoded; empty when there is none. */
export function cookie(name) {
  const prefix = name + '=';
  for (const part of document.cookie.split(';')) {
    const p = part.trim();
    if (p.startsWith(prefix)) {
      return decodeURIComponent(p.substring(prefix.length));
    }
  }
  return '';
}

/** The CSRF token the server set, for a header or a form's hidden field. */
export function csrfToken() {
  return cookie(CSRF_COOKIE);
}
