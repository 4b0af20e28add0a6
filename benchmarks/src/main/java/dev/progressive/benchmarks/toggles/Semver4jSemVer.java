package dev.progressive.benchmarks.toggles;

import org.semver4j.Semver;

/**
 * flagd's {@code sem_ver} evaluated the way flagd's Java provider does it, with semver4j: every argument must be a
 * string, each version goes through {@link Semver#parse} (strict Semantic Versioning, so {@code null} for anything
 * else), and {@code ^} and {@code ~} compare the major, and the major and minor, numbers. The reference that
 * {@code RuleBreakdownBenchmark} measures Progressive's own {@code SemVerOp} against.
 */
final class Semver4jSemVer {

  private Semver4jSemVer() {}

  /** The answer for three arguments, or null when one is not a version or the operator is unknown. */
  static Boolean evaluate(Object version, Object operator, Object target) {
    if (!(target instanceof String t)) {
      return null;
    }
    Semver parsed = Semver.parse(t);
    return parsed == null ? null : against(version, operator, parsed);
  }

  /** The answer against a target parsed once, as a compiled rule would hold it. */
  static Boolean against(Object version, Object operator, Semver target) {
    if (!(version instanceof String v) || !(operator instanceof String op)) {
      return null;
    }
    Semver parsed = Semver.parse(v);
    if (parsed == null) {
      return null;
    }
    switch (op) {
      case "^":
        return parsed.getMajor() == target.getMajor();
      case "~":
        return parsed.getMajor() == target.getMajor() && parsed.getMinor() == target.getMinor();
      default:
        break;
    }
    int c = parsed.compareTo(target);
    switch (op) {
      case "=":
        return c == 0;
      case "!=":
        return c != 0;
      case "<":
        return c < 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case ">=":
        return c >= 0;
      default:
        return null;
    }
  }
}
