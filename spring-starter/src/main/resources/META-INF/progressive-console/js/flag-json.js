// Reading flagd definitions as the endpoint returns them: pure functions, no DOM.

/** JSON text parsed; the text itself when it is not JSON; undefined for none. */
export function parse(json) {
  if (json === null || json === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(json);
  } catch (e) {
    return json;
  }
}

/** The fractional rule's weights in a flagd definition, as [[variant, weight], ...], or null. */
export function fractionalWeights(definition) {
  let found = null;
  function walk(node) {
    if (found || node === null || typeof node !== 'object') {
      return;
    }
    if (!Array.isArray(node) && Array.isArray(node.fractional)) {
      const buckets = node.fractional.filter(b => Array.isArray(b) && b.length >= 1 && typeof b[0] === 'string');
      found = buckets.map(b => [b[0], b.length > 1 ? Number(b[1]) : 1]);
      return;
    }
    for (const value of Object.values(node)) {
      walk(value);
    }
  }
  walk(definition);
  return found;
}

/** Path-level differences between two JSON values, as "path: before → after". */
export function diff(before, after, path, out) {
  const isObj = v => v !== null && typeof v === 'object';
  if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) {
      const p = Array.isArray(before) ? path + '[' + k + ']' : (path ? path + '.' + k : k);
      diff(before[k], after[k], p, out);
    }
    return out;
  }
  const a = before === undefined ? '(none)' : JSON.stringify(before);
  const b = after === undefined ? '(none)' : JSON.stringify(after);
  if (a !== b) {
    out.push((path || '(flag)') + ': ' + a + ' → ' + b);
  }
  return out;
}

/** The overridden parts of a flag ('state, defaultVariant'), or '—'. */
export function overrideText(override) {
  const parts = Object.keys(override || {});
  return parts.length ? parts.join(', ') : '—';
}
