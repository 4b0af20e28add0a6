package dev.progressive.toggles.internal.logic;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * JavaScript's coercions, as json-logic-js relies on them: truthiness (with JsonLogic's empty-array rule), ToNumber,
 * parseFloat, ToString (with JS number formatting), loose and strict equality, and relational comparison.
 *
 * <p>Values are the ones of {@link Expr}: null, Boolean, String, Number, List and Map. Lists and maps play the part
 * of JS objects: equal only to themselves, converted to primitives through their string form.
 */
final class JavaScriptSemantics {

  private static final double TWO_POW_53 = 9007199254740992.0;

  private JavaScriptSemantics() {}

  /** JsonLogic truthiness: JS truthiness, except that an empty array is falsy. */
  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Number n) {
      if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
        return n.longValue() != 0;
      }
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    return true;
  }

  static Boolean bool(boolean b) {
    return b ? Boolean.TRUE : Boolean.FALSE;
  }

  /** Whether a value is a JS object (an array or a map, or any other non-primitive). */
  static boolean isObject(Object v) {
    return v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean);
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
  }

  // ---------------------------------------------------------------- numbers

  /** JS ToNumber. */
  static double toNumber(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof String s) {
      return stringToNumber(s);
    }
    return stringToNumber(toJsString(v));
  }

  private static boolean isJsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\f' || c == '\u00a0'
        || c == '\ufeff' || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.SPACE_SEPARATOR;
  }

  /** JS StringToNumber: trimmed decimal, hexadecimal, octal or binary literal, Infinity; "" is 0; else NaN. */
  static double stringToNumber(String s) {
    Budget.chargeLength(s.length());
    int start = 0;
    int end = s.length();
    while (start < end && isJsSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isJsSpace(s.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return 0;
    }
    String t = s.substring(start, end);
    if (t.length() > 2 && t.charAt(0) == '0') {
      char p = Character.toLowerCase(t.charAt(1));
      int radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
      if (radix != 0) {
        double value = 0;
        for (int i = 2; i < t.length(); i++) {
          int digit = Character.digit(t.charAt(i), radix);
          if (digit < 0) {
            return Double.NaN;
          }
          value = value * radix + digit;
        }
        return value;
      }
    }
    int len = decimalPrefix(t, 0);
    if (len != t.length()) {
      return Double.NaN;
    }
    return parseDecimal(t);
  }

  /**
   * The length of the longest prefix of {@code s} from {@code from} that is a JS StrDecimalLiteral (sign, digits,
   * point, exponent, or Infinity), or 0 when there is none.
   */
  private static int decimalPrefix(String s, int from) {
    int i = from;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    if (s.startsWith("Infinity", i)) {
      return i + 8 - from;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      int j = i + 1;
      int fraction = 0;
      while (j < n && isDigit(s.charAt(j))) {
        j++;
        fraction++;
      }
      if (digits + fraction > 0) {
        i = j;
        digits += fraction;
      }
    }
    if (digits == 0) {
      return 0;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      int expDigits = 0;
      while (j < n && isDigit(s.charAt(j))) {
        j++;
        expDigits++;
      }
      if (expDigits > 0) {
        i = j;
      }
    }
    return i - from;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static double parseDecimal(String literal) {
    if (literal.endsWith("Infinity")) {
      return literal.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(literal);
  }

  /** JS parseFloat: the longest decimal prefix of the value's string form after leading white space, or NaN. */
  static double parseFloat(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    String s = toJsString(v);
    int start = 0;
    while (start < s.length() && isJsSpace(s.charAt(start))) {
      start++;
    }
    int len = decimalPrefix(s, start);
    if (len == 0) {
      return Double.NaN;
    }
    return parseDecimal(s.substring(start, start + len));
  }

  // ---------------------------------------------------------------- strings

  /**
   * JS ToString. Arrays join their elements with commas (null elements as ""), objects give "[object Object]".
   *
   * @throws LimitExceededException when a list is nested deeper than {@link Limits#MAX_DEPTH} (or contains itself),
   *     or its string would be longer than {@link Limits#MAX_STRING_CHARS}
   */
  static String toJsString(Object v) {
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder();
      appendList(sb, l, 0);
      Budget.chargeLength(sb.length());
      return sb.toString();
    }
    return toJsScalarString(v);
  }

  private static String toJsScalarString(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Number n) {
      return formatNumber(n);
    }
    return "[object Object]";
  }

  private static void appendList(StringBuilder sb, List<?> l, int depth) {
    if (depth >= Limits.MAX_DEPTH) {
      throw new LimitExceededException("a list nested deeper than " + Limits.MAX_DEPTH
          + " levels (or containing itself) cannot be converted to a string");
    }
    for (int i = 0, n = l.size(); i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object e = l.get(i);
      if (e instanceof List<?> inner) {
        appendList(sb, inner, depth + 1);
      } else if (e != null) {
        sb.append(toJsScalarString(e));
      }
      if (sb.length() > Limits.MAX_STRING_CHARS) {
        throw new LimitExceededException("a list converted to a string would be longer than "
            + Limits.MAX_STRING_CHARS + " characters");
      }
    }
  }

  /**
   * A short description of any value, for error messages: never throws, never runs user code ({@code toString} of an
   * attribute is not called), and stays under about {@code maxChars} characters whatever the value's size or depth.
   */
  static String describe(Object v, int maxChars) {
    StringBuilder sb = new StringBuilder();
    try {
      describe(sb, v, 0, maxChars);
    } catch (RuntimeException | StackOverflowError e) {
      sb.append("...");
    }
    return sb.toString();
  }

  private static void describe(StringBuilder sb, Object v, int depth, int maxChars) {
    if (sb.length() >= maxChars) {
      sb.append("...");
      return;
    }
    if (v == null || v instanceof Boolean || v instanceof String) {
      String text = v instanceof String s ? '"' + (s.length() > maxChars ? s.substring(0, maxChars) + "..." : s) + '"'
          : String.valueOf(v);
      sb.append(text);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Double) {
      sb.append(v);
    } else if (v instanceof List<?> l) {
      if (depth >= 8) {
        sb.append("[...]");
        return;
      }
      sb.append('[');
      for (int i = 0, n = l.size(); i < n; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        if (sb.length() >= maxChars) {
          sb.append("...");
          break;
        }
        describe(sb, l.get(i), depth + 1, maxChars);
      }
      sb.append(']');
    } else if (v instanceof java.util.Map<?, ?>) {
      sb.append("an object");
    } else {
      sb.append("a ").append(v.getClass().getSimpleName());
    }
  }

  /** A number as JS's Number.prototype.toString prints it: 1.0 as "1", 1.5 as "1.5", 1e21 as "1e+21". */
  static String formatNumber(Number n) {
    if (isIntegral(n) || n instanceof BigInteger) {
      return n.toString();
    }
    double d = n instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
    return formatDouble(d);
  }

  static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return "0";
    }
    if (d < 0) {
      return "-" + formatDouble(-d);
    }
    if (d < TWO_POW_53 && d == Math.rint(d)) {
      return Long.toString((long) d);
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (rounded.doubleValue() == d) {
        shortest = rounded;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int pointPos = k - shortest.scale(); // the value is 0.digits * 10^pointPos
    StringBuilder sb = new StringBuilder(24);
    if (k <= pointPos && pointPos <= 21) {
      sb.append(digits);
      for (int i = k; i < pointPos; i++) {
        sb.append('0');
      }
    } else if (0 < pointPos && pointPos <= 21) {
      sb.append(digits, 0, pointPos).append('.').append(digits, pointPos, k);
    } else if (-6 < pointPos && pointPos <= 0) {
      sb.append("0.");
      for (int i = pointPos; i < 0; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else {
      int e = pointPos - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- equality and order

  /** JS {@code a == b}. Absent arguments are passed as null (JS's undefined == null holds too). */
  static boolean looseEquals(Object a, Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (a instanceof String sa && b instanceof String sb) {
      return sa.equals(sb);
    }
    if (a instanceof Number na && b instanceof Number nb) {
      return numberEquals(na, nb);
    }
    if (a instanceof Boolean && b instanceof Boolean) {
      return a.equals(b);
    }
    boolean objectA = isObject(a);
    boolean objectB = isObject(b);
    if (objectA && objectB) {
      return a == b;
    }
    if (objectA) {
      return b instanceof String sb ? toJsString(a).equals(sb) : toNumber(toJsString(a)) == toNumber(b);
    }
    if (objectB) {
      return a instanceof String sa ? toJsString(b).equals(sa) : toNumber(a) == toNumber(toJsString(b));
    }
    // mixed primitives: number, string and boolean all compare as numbers
    return toNumber(a) == toNumber(b);
  }

  /** JS {@code a === b}: same type and value; 1 and 1.0 are the same number; arrays and maps by identity. */
  static boolean strictEquals(Object a, Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (a instanceof String) {
      return a.equals(b);
    }
    if (a instanceof Number na) {
      return b instanceof Number nb && numberEquals(na, nb);
    }
    if (a instanceof Boolean) {
      return a.equals(b);
    }
    return a == b;
  }

  private static boolean numberEquals(Number a, Number b) {
    if (isIntegral(a) && isIntegral(b)) {
      return a.longValue() == b.longValue();
    }
    return a.doubleValue() == b.doubleValue();
  }

  /** JS ToPrimitive for the values of JsonLogic: objects become their string form, primitives stay. */
  private static Object toPrimitive(Object v) {
    return isObject(v) ? toJsString(v) : v;
  }

  /** JS {@code a < b}. */
  static boolean lessThan(Object a, Object b) {
    Object pa = toPrimitive(a);
    Object pb = toPrimitive(b);
    if (pa instanceof String sa && pb instanceof String sb) {
      return sa.compareTo(sb) < 0;
    }
    return toNumber(pa) < toNumber(pb);
  }

  /** JS {@code a <= b}. */
  static boolean lessOrEqual(Object a, Object b) {
    Object pa = toPrimitive(a);
    Object pb = toPrimitive(b);
    if (pa instanceof String sa && pb instanceof String sb) {
      return sa.compareTo(sb) <= 0;
    }
    return toNumber(pa) <= toNumber(pb);
  }
}
