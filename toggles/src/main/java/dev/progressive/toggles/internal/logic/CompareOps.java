package dev.progressive.toggles.internal.logic;

/** {@code ==}, {@code ===}, {@code !=}, {@code !==}, {@code <}, {@code <=}, {@code >} and {@code >=}, as JS does. */
final class CompareOps {

  private CompareOps() {}

  /** Loose or strict (in)equality of two values. */
  static final class Equality extends Expr {
    private final Expr left;
    private final Expr right;
    private final boolean strict;
    private final boolean negate;

    Equality(Expr left, Expr right, boolean strict, boolean negate) {
      this.left = left;
      this.right = right;
      this.strict = strict;
      this.negate = negate;
    }

    @Override
    public Object eval(Object data) {
      Object a = left.eval(data);
      Object b = right.eval(data);
      boolean equal = strict ? JavaScriptSemantics.strictEquals(a, b) : JavaScriptSemantics.looseEquals(a, b);
      return JavaScriptSemantics.bool(equal != negate);
    }
  }

  /**
   * (In)equality of a value with a constant string or boolean, the commonest test in targeting
   * ({@code {"==": [{"var": "tier"}, "gold"]}}). Same answers as {@link Equality}, with a shortcut when the value has
   * the constant's type.
   */
  static final class EqualsConstant extends Expr {
    private final Expr operand;
    private final Object constant;
    private final boolean strict;
    private final boolean negate;

    EqualsConstant(Expr operand, Object constant, boolean strict, boolean negate) {
      this.operand = operand;
      this.constant = constant;
      this.strict = strict;
      this.negate = negate;
    }

    @Override
    public Object eval(Object data) {
      Object v = operand.eval(data);
      boolean equal;
      if (v != null && v.getClass() == constant.getClass()) {
        equal = constant.equals(v);
      } else {
        equal = strict ? JavaScriptSemantics.strictEquals(v, constant) : JavaScriptSemantics.looseEquals(v, constant);
      }
      return JavaScriptSemantics.bool(equal != negate);
    }
  }

  /**
   * {@code <} and {@code <=} with two or three arguments (three: the middle one is strictly, or not strictly,
   * between the others), and {@code >} and {@code >=} with two.
   */
  static final class Relational extends Expr {
    private final Expr a;
    private final Expr b;
    private final Expr c;
    private final boolean orEqual;

    /**
     * Tests {@code a < b} (or {@code a <= b}), and also {@code b < c} (or {@code b <= c}) when {@code c} is not null.
     */
    Relational(Expr a, Expr b, Expr c, boolean orEqual) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.orEqual = orEqual;
    }

    @Override
    public Object eval(Object data) {
      Object va = a.eval(data);
      Object vb = b.eval(data);
      if (!test(va, vb)) {
        return Boolean.FALSE;
      }
      return c == null ? Boolean.TRUE : JavaScriptSemantics.bool(test(vb, c.eval(data)));
    }

    private boolean test(Object x, Object y) {
      return orEqual ? JavaScriptSemantics.lessOrEqual(x, y) : JavaScriptSemantics.lessThan(x, y);
    }
  }
}
