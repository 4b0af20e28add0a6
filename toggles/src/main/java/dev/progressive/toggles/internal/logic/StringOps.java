package dev.progressive.toggles.internal.logic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code cat}, {@code substr} and {@code log}, plus flagd's {@code starts_with} and {@code ends_with}. */
final class StringOps {

  private static final Logger LOG = LoggerFactory.getLogger(LogicCompiler.class);

  private StringOps() {}

  /** {@code cat}: the arguments joined as JS's Array.join does (null as "", numbers as JS prints them). */
  static final class Cat extends Expr {
    private final Expr[] args;

    Cat(Expr[] args) {
      this.args = args;
    }

    /** The parts, for {@code fractional}'s bucket key, which hashes two parts without joining them. */
    Expr[] parts() {
      return args;
    }

    static String part(Object v) {
      return v == null ? "" : v instanceof String s ? s : JavaScriptSemantics.toJsString(v);
    }

    @Override
    public Object eval(Object data) {
      if (args.length == 1) {
        return part(args[0].eval(data));
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < args.length; i++) {
        String part = part(args[i].eval(data));
        if (sb.length() + part.length() > Limits.MAX_STRING_CHARS) {
          throw new LimitExceededException("cat would make a string longer than " + Limits.MAX_STRING_CHARS
              + " characters");
        }
        sb.append(part);
      }
      Budget.chargeLength(sb.length());
      return sb.toString();
    }
  }

  /**
   * {@code substr}: JS's {@code String(source).substr(start, length)}; a negative start counts from the end, and a
   * negative length leaves that many characters off the end.
   */
  static final class Substr extends Expr {
    private final Expr source;
    private final Expr start;
    private final Expr length;

    Substr(Expr source, Expr start, Expr length) {
      this.source = source;
      this.start = start;
      this.length = length;
    }

    @Override
    public Object eval(Object data) {
      String s = JavaScriptSemantics.toJsString(source.eval(data));
      Budget.chargeLength(s.length());
      double from = JavaScriptSemantics.toNumber(start.eval(data));
      if (length == null) {
        return substr(s, from, Double.POSITIVE_INFINITY);
      }
      Object lengthValue = length.eval(data);
      double len = JavaScriptSemantics.toNumber(lengthValue);
      if (len < 0) {
        String rest = substr(s, from, Double.POSITIVE_INFINITY);
        return substr(rest, 0, rest.length() + len);
      }
      return substr(s, from, len);
    }

    /** JS String.prototype.substr. */
    private static String substr(String s, double start, double length) {
      int size = s.length();
      double st = Double.isNaN(start) ? 0 : start < 0 ? Math.ceil(start) : Math.floor(start);
      if (st < 0) {
        st = Math.max(size + st, 0);
      }
      double len = Double.isNaN(length) ? 0 : length < 0 ? Math.ceil(length) : Math.floor(length);
      double end = Math.min(st + Math.max(len, 0), size);
      if (st >= end) {
        return "";
      }
      return s.substring((int) st, (int) end);
    }
  }

  /** {@code log}: logs its first argument at INFO and returns it. */
  static final class Log extends Expr {
    private final Expr arg;

    Log(Expr arg) {
      this.arg = arg;
    }

    @Override
    public Object eval(Object data) {
      Object v = arg.eval(data);
      if (LOG.isInfoEnabled()) {
        LOG.info("jsonlogic log: {}", JavaScriptSemantics.describe(v, 1_000));
      }
      return v;
    }
  }

  /**
   * flagd's {@code starts_with} and {@code ends_with}: true or false when both arguments are strings, null (an error,
   * so the flag falls back to its default variant) otherwise, as the flagd test suite requires.
   */
  static final class Affix extends Expr {
    private final Expr subject;
    private final Expr affix;
    private final boolean prefix;

    Affix(Expr subject, Expr affix, boolean prefix) {
      this.subject = subject;
      this.affix = affix;
      this.prefix = prefix;
    }

    @Override
    public Object eval(Object data) {
      if (subject.eval(data) instanceof String s && affix.eval(data) instanceof String a) {
        return JavaScriptSemantics.bool(prefix ? s.startsWith(a) : s.endsWith(a));
      }
      return null;
    }
  }
}
