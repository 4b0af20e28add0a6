package dev.progressive.toggles.internal.logic;

/**
 * flagd's {@code sem_ver}: {@code {"sem_ver": [version, operator, target]}} with the operators {@code =}, {@code !=},
 * {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ^} (same major) and {@code ~} (same major and minor).
 *
 * <p>Versions follow Semantic Versioning 2.0.0 (precedence with pre-release identifiers, build metadata ignored), read
 * leniently as flagd's test suite expects: an optional {@code v} or {@code V} prefix, and missing minor or patch
 * numbers taken as 0 ({@code "1.2"} is {@code 1.2.0}). A number is read through its JS string form, so {@code 2} is
 * {@code 2.0.0} and {@code 1.2} is {@code 1.2.0}. Anything else that is not a version, an unknown operator or a wrong
 * number of arguments gives null, so the flag falls back to its default variant.
 *
 * <p>Versions are never copied: they are validated and compared in place, so comparing a context's version with a
 * constant allocates nothing.
 */
final class SemVerOp {

  private SemVerOp() {}

  /** The comparison operators. */
  enum Operator {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), MAJOR("^"), MINOR("~");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** The operator written as {@code symbol}, or null. */
    static Operator of(Object symbol) {
      if (symbol instanceof String s) {
        for (Operator op : values()) {
          if (op.symbol.equals(s)) {
            return op;
          }
        }
      }
      return null;
    }
  }

  private static final long INVALID = -1;
  /** Numbers above this are refused, so that they fit a long. */
  private static final long LIMIT = Long.MAX_VALUE / 10 - 10;

  /** The text of a version value: a string as it is, a number as JS prints it, else null. */
  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number n) {
      return JavaScriptSemantics.formatNumber(n);
    }
    return null;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierChar(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  }

  private static int prefix(String s) {
    return !s.isEmpty() && (s.charAt(0) == 'v' || s.charAt(0) == 'V') ? 1 : 0;
  }

  /**
   * Validates a version. Returns {@link #INVALID}, or the pre-release region packed as
   * {@code start << 32 | end} (an empty region when there is no pre-release).
   */
  static long scan(String s) {
    int n = s.length();
    int i = prefix(s);
    for (int part = 0; part < 3; part++) {
      int start = i;
      long value = 0;
      while (i < n && isDigit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i) - '0');
        if (value > LIMIT) {
          return INVALID;
        }
        i++;
      }
      if (i == start || (i - start > 1 && s.charAt(start) == '0')) {
        return INVALID;
      }
      if (part < 2 && i < n && s.charAt(i) == '.') {
        i++;
      } else {
        break;
      }
    }
    int preStart = i;
    int preEnd = i;
    if (i < n && s.charAt(i) == '-') {
      preStart = i + 1;
      i = preStart;
      while (i < n && s.charAt(i) != '+') {
        i++;
      }
      preEnd = i;
      if (!validIdentifiers(s, preStart, preEnd, true)) {
        return INVALID;
      }
    }
    if (i < n && s.charAt(i) == '+') {
      if (!validIdentifiers(s, i + 1, n, false)) {
        return INVALID;
      }
      i = n;
    }
    if (i != n) {
      return INVALID;
    }
    return (long) preStart << 32 | preEnd;
  }

  /** Dot-separated, non-empty identifiers of [0-9A-Za-z-]; numeric pre-release identifiers without leading zeros. */
  private static boolean validIdentifiers(String s, int from, int to, boolean preRelease) {
    if (from >= to) {
      return false;
    }
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        if (i == start) {
          return false;
        }
        if (preRelease && i - start > 1 && s.charAt(start) == '0' && allDigits(s, start, i)) {
          return false;
        }
        start = i + 1;
      } else if (!isIdentifierChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Major (0), minor (1) or patch (2) of a valid version; 0 when not written. */
  static long number(String s, int which) {
    int n = s.length();
    int i = prefix(s);
    for (int part = 0; part < 3; part++) {
      long value = 0;
      while (i < n && isDigit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (part == which) {
        return value;
      }
      if (i < n && s.charAt(i) == '.') {
        i++;
      } else {
        return 0;
      }
    }
    return 0;
  }

  /** Semantic Versioning precedence of two valid versions and their {@link #scan} results. */
  static int compare(String a, long scanA, String b, long scanB) {
    for (int which = 0; which < 3; which++) {
      int c = Long.compare(number(a, which), number(b, which));
      if (c != 0) {
        return c;
      }
    }
    int as = (int) (scanA >>> 32);
    int ae = (int) scanA;
    int bs = (int) (scanB >>> 32);
    int be = (int) scanB;
    boolean aHas = ae > as;
    boolean bHas = be > bs;
    if (!aHas || !bHas) {
      return aHas == bHas ? 0 : aHas ? -1 : 1;
    }
    int i = as;
    int j = bs;
    while (true) {
      int iEnd = i;
      while (iEnd < ae && a.charAt(iEnd) != '.') {
        iEnd++;
      }
      int jEnd = j;
      while (jEnd < be && b.charAt(jEnd) != '.') {
        jEnd++;
      }
      int c = compareIdentifier(a, i, iEnd, b, j, jEnd);
      if (c != 0) {
        return c;
      }
      boolean aDone = iEnd >= ae;
      boolean bDone = jEnd >= be;
      if (aDone || bDone) {
        return aDone == bDone ? 0 : aDone ? -1 : 1;
      }
      i = iEnd + 1;
      j = jEnd + 1;
    }
  }

  private static int compareIdentifier(String a, int i, int iEnd, String b, int j, int jEnd) {
    boolean numA = allDigits(a, i, iEnd);
    boolean numB = allDigits(b, j, jEnd);
    if (numA && numB) {
      int c = Integer.compare(iEnd - i, jEnd - j);
      if (c != 0) {
        return c;
      }
    } else if (numA || numB) {
      return numA ? -1 : 1;
    }
    int len = Math.min(iEnd - i, jEnd - j);
    for (int k = 0; k < len; k++) {
      int c = Character.compare(a.charAt(i + k), b.charAt(j + k));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(iEnd - i, jEnd - j);
  }

  /** Applies an operator to two valid versions. */
  static boolean test(Operator op, String a, long scanA, String b, long scanB) {
    switch (op) {
      case MAJOR:
        return number(a, 0) == number(b, 0);
      case MINOR:
        return number(a, 0) == number(b, 0) && number(a, 1) == number(b, 1);
      default:
        break;
    }
    int c = compare(a, scanA, b, scanB);
    switch (op) {
      case EQ:
        return c == 0;
      case NE:
        return c != 0;
      case LT:
        return c < 0;
      case LE:
        return c <= 0;
      case GT:
        return c > 0;
      case GE:
        return c >= 0;
      default:
        throw new AssertionError(op);
    }
  }

  /** The answer for three values, or null when one is not a version or the operator is unknown. */
  static Boolean evaluate(Object version, Object operator, Object target) {
    Operator op = Operator.of(operator);
    String a = text(version);
    String b = text(target);
    if (op == null || a == null || b == null) {
      return null;
    }
    long scanA = scan(a);
    long scanB = scan(b);
    if (scanA == INVALID || scanB == INVALID) {
      return null;
    }
    return JavaScriptSemantics.bool(test(op, a, scanA, b, scanB));
  }

  /** Whether a constant is a valid version. */
  static boolean isVersion(Object v) {
    String s = text(v);
    return s != null && scan(s) != INVALID;
  }

  /** {@code sem_ver} with three rules. */
  static final class General extends Expr {
    private final Expr version;
    private final Expr operator;
    private final Expr target;

    General(Expr version, Expr operator, Expr target) {
      this.version = version;
      this.operator = operator;
      this.target = target;
    }

    @Override
    public Object eval(Object data) {
      return evaluate(version.eval(data), operator.eval(data), target.eval(data));
    }
  }

  /** {@code sem_ver} against a constant operator and version, validated once. */
  static final class AgainstConstant extends Expr {
    private final Expr version;
    private final Operator op;
    private final String target;
    private final long targetScan;
    /** The target's major, minor and patch numbers. */
    private final long[] numbers;

    /** @param target a valid version, see {@link #isVersion} */
    AgainstConstant(Expr version, Operator op, Object target) {
      this.version = version;
      this.op = op;
      this.target = text(target);
      this.targetScan = scan(this.target);
      this.numbers = new long[] {number(this.target, 0), number(this.target, 1), number(this.target, 2)};
    }

    @Override
    public Object eval(Object data) {
      String a = text(version.eval(data));
      if (a == null) {
        return null;
      }
      long scanA = scan(a);
      if (scanA == INVALID) {
        return null;
      }
      int parts = op == Operator.MAJOR ? 1 : op == Operator.MINOR ? 2 : 3;
      int c = compareNumbers(a, parts);
      switch (op) {
        case MAJOR:
        case MINOR:
          return JavaScriptSemantics.bool(c == 0);
        default:
          break;
      }
      if (c == 0) {
        c = compare(a, scanA, target, targetScan);
      }
      switch (op) {
        case EQ:
          return JavaScriptSemantics.bool(c == 0);
        case NE:
          return JavaScriptSemantics.bool(c != 0);
        case LT:
          return JavaScriptSemantics.bool(c < 0);
        case LE:
          return JavaScriptSemantics.bool(c <= 0);
        case GT:
          return JavaScriptSemantics.bool(c > 0);
        default:
          return JavaScriptSemantics.bool(c >= 0);
      }
    }

    /** Compares the first {@code parts} numbers of a valid version with the target's, in one pass. */
    private int compareNumbers(String a, int parts) {
      int n = a.length();
      int i = prefix(a);
      boolean written = true;
      for (int part = 0; part < parts; part++) {
        long value = 0;
        if (written) {
          while (i < n && isDigit(a.charAt(i))) {
            value = value * 10 + (a.charAt(i) - '0');
            i++;
          }
          if (i < n && a.charAt(i) == '.') {
            i++;
          } else {
            written = false;
          }
        }
        int c = Long.compare(value, numbers[part]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}
