// Numbers and times in words for the page.

/** An ISO instant in the reader's locale; the text itself when it is no date; empty for none. */
export function time(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** A fraction as a percentage (0.123 is '12.3%'); 'n/a' for none. */
export function percent(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return 'n/a';
  }
  return (value * 100).toFixed(digits === undefined ? 1 : digits) + '%';
}

/** A fraction as a signed percentage (0.48 is '+48%', -0.32 is '-32%'), as the judge's words write it. */
export function signedPercent(value) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return 'n/a';
  }
  const rounded = Math.round(value * 100);
  return (rounded > 0 ? '+' : '') + rounded + '%';
}

/** A measured value with three significant digits (whole numbers from 100). */
export function number(value) {
  if (value === null || value === undefined) {
    return 'n/a';
  }
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
