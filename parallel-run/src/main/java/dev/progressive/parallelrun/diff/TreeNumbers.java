package dev.progressive.parallelrun.diff;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The one number rule of comparison trees: integers of any Java type become {@link BigInteger}s, floating-point
 * numbers exact {@link BigDecimal}s (a float by its decimal text), and NaN and the infinities their text, so that
 * {@code 1} (an int) and {@code 1L} compare equal.
 */
final class TreeNumbers {

  private TreeNumbers() {
  }

  static Object normalize(Number number) {
    if (number instanceof BigDecimal || number instanceof BigInteger) {
      return number;
    }
    if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
      return BigInteger.valueOf(number.longValue());
    }
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return number.toString();
      }
      return number instanceof Float ? new BigDecimal(number.toString()) : BigDecimal.valueOf(d);
    }
    String text = BoundedTree.safeText(number);
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return text;
    }
  }
}
