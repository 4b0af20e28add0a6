package dev.progressive.toggles.internal.logic;

/** {@code if} (and {@code ?:}), {@code and}, {@code or}, {@code !} and {@code !!}, with JsonLogic truthiness. */
final class LogicOps {

  private LogicOps() {}

  /** {@code if}: condition/branch pairs, then an optional else. No else and no match gives null. */
  static final class If extends Expr {
    private final Expr[] conditions;
    private final Expr[] branches;
    private final Expr otherwise;

    If(Expr[] conditions, Expr[] branches, Expr otherwise) {
      this.conditions = conditions;
      this.branches = branches;
      this.otherwise = otherwise;
    }

    @Override
    public Object eval(Object data) {
      for (int i = 0; i < conditions.length; i++) {
        if (JavaScriptSemantics.truthy(conditions[i].eval(data))) {
          return branches[i].eval(data);
        }
      }
      return otherwise == null ? null : otherwise.eval(data);
    }
  }

  /** {@code and}: the first falsy value, or the last value; null when empty. */
  static final class And extends Expr {
    private final Expr[] args;

    And(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      Object current = null;
      for (int i = 0; i < args.length; i++) {
        current = args[i].eval(data);
        if (!JavaScriptSemantics.truthy(current)) {
          return current;
        }
      }
      return current;
    }
  }

  /** {@code or}: the first truthy value, or the last value; null when empty. */
  static final class Or extends Expr {
    private final Expr[] args;

    Or(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      Object current = null;
      for (int i = 0; i < args.length; i++) {
        current = args[i].eval(data);
        if (JavaScriptSemantics.truthy(current)) {
          return current;
        }
      }
      return current;
    }
  }

  /** {@code !} and {@code !!}. */
  static final class Truth extends Expr {
    private final Expr arg;
    private final boolean negate;

    Truth(Expr arg, boolean negate) {
      this.arg = arg;
      this.negate = negate;
    }

    @Override
    public Object eval(Object data) {
      return JavaScriptSemantics.bool(JavaScriptSemantics.truthy(arg.eval(data)) != negate);
    }
  }
}
