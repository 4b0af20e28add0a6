package dev.progressive.canary.internal;

import java.util.Locale;

/** How the judge writes numbers in its reasons: percentages, milliseconds, counts and durations. */
final class Words {

  private Words() {}

  /** A relative change with its sign: {@code +37%}, {@code -4%}; "unbounded" for an infinite bound. */
  static String signed(double fraction) {
    if (Double.isNaN(fraction)) {
      return "n/a";
    }
    if (Double.isInfinite(fraction)) {
      return fraction > 0 ? "unbounded" : "-unbounded";
    }
    long p = Math.round(fraction * 100);
    return (p >= 0 ? "+" : "") + p + "%";
  }

  /** A change from a value that may be zero: {@code +4%}, or "up from zero". */
  static String change(double fraction) {
    if (Double.isNaN(fraction)) {
      return "no baseline value";
    }
    if (Double.isInfinite(fraction)) {
      return fraction > 0 ? "up from zero" : "down to zero";
    }
    return signed(fraction);
  }

  /** An interval of relative changes: {@code CI -4%..+37%}. */
  static String interval(double low, double high) {
    return "CI " + (low == -1 ? "-100%" : signed(low)) + ".." + signed(high);
  }

  /** A share with two decimals: {@code 0.52%}. */
  static String rate(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  /** A share with three significant digits: {@code 0.0997%}. */
  static String rateFine(double fraction) {
    return String.format(Locale.ROOT, "%.3g%%", fraction * 100);
  }

  /** A number with about three significant digits. */
  static String num(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 0.01 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.2g", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.3g", v);
  }

  /** A count rounded to two significant digits, with thousands separators: {@code 3,100}. */
  static String roughCount(long n) {
    if (n < 100) {
      return Long.toString(n);
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(n)) - 1);
    long rounded = (long) (Math.ceil(n / magnitude) * magnitude);
    return String.format(Locale.ROOT, "%,d", rounded);
  }

  /** A duration in seconds as {@code 10 min}, {@code 2 h} or {@code 45 s}. */
  static String duration(long seconds) {
    if (seconds % 3600 == 0 && seconds >= 3600) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return seconds / 60 + " min";
    }
    return seconds + " s";
  }

  /** A duration rounded up to whole minutes from a minute on: {@code 45 s}, {@code 55 min}, {@code 1 h 20 min}. */
  static String roughDuration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    long minutes = (seconds + 59) / 60;
    if (minutes < 60) {
      return minutes + " min";
    }
    return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
  }
}
