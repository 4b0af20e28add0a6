package dev.progressive.toggles.internal.logic;

/**
 * {@code +}, {@code -}, {@code *}, {@code /}, {@code %}, {@code min} and {@code max}, with json-logic-js's
 * coercions: {@code +} and {@code *} use parseFloat, the others ToNumber. Results are doubles; division by zero gives
 * an infinity and a bad operand NaN, as in JS.
 */
final class ArithmeticOps {

  private ArithmeticOps() {}

  /** {@code +}: the sum of parseFloat of each argument, from 0. */
  static final class Add extends Expr {
    private final Expr[] args;

    Add(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      double sum = 0;
      for (int i = 0; i < args.length; i++) {
        sum += JavaScriptSemantics.parseFloat(args[i].eval(data));
      }
      return sum;
    }
  }

  /** {@code *}: a reduction without a start value, so one argument is returned as it is, and none gives null. */
  static final class Multiply extends Expr {
    private final Expr[] args;

    Multiply(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      if (args.length == 0) {
        return null;
      }
      Object first = args[0].eval(data);
      if (args.length == 1) {
        return first;
      }
      double product = JavaScriptSemantics.parseFloat(first);
      for (int i = 1; i < args.length; i++) {
        product *= JavaScriptSemantics.parseFloat(args[i].eval(data));
      }
      return product;
    }
  }

  /** {@code -}: binary subtraction, or negation with one argument. */
  static final class Subtract extends Expr {
    private final Expr a;
    private final Expr b;

    Subtract(Expr a, Expr b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public Object eval(Object data) {
      double x = JavaScriptSemantics.toNumber(a.eval(data));
      return b == null ? -x : x - JavaScriptSemantics.toNumber(b.eval(data));
    }
  }

  /** {@code /} and {@code %}. */
  static final class Divide extends Expr {
    private final Expr a;
    private final Expr b;
    private final boolean remainder;

    Divide(Expr a, Expr b, boolean remainder) {
      this.a = a;
      this.b = b;
      this.remainder = remainder;
    }

    @Override
    public Object eval(Object data) {
      double x = JavaScriptSemantics.toNumber(a.eval(data));
      double y = JavaScriptSemantics.toNumber(b.eval(data));
      return remainder ? x % y : x / y;
    }
  }

  /** {@code min} and {@code max} (Math.min/Math.max: NaN wins; none gives Infinity or -Infinity). */
  static final class Extreme extends Expr {
    private final Expr[] args;
    private final boolean max;

    Extreme(Expr[] args, boolean max) {
      this.args = args;
      this.max = max;
    }

    @Override
    public Object eval(Object data) {
      double result = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      for (int i = 0; i < args.length; i++) {
        double v = JavaScriptSemantics.toNumber(args[i].eval(data));
        result = max ? Math.max(result, v) : Math.min(result, v);
      }
      return result;
    }
  }
}
