package dev.progressive.toggles.internal.logic;

/**
 * Replaces an operator whose arguments are all constants by its value, computed once at compile time within the
 * same {@link Limits} as evaluation; a constant that passes a bound refuses the rule.
 */
final class ConstantFolding {

  private final CompileTracker tracker;

  ConstantFolding(CompileTracker tracker) {
    this.tracker = tracker;
  }

  /** The node, or its value computed now when all its arguments are constants (null arguments are absent ones). */
  Expr fold(String path, Expr node, Expr... args) {
    if (allConstant(args)) {
      try {
        return Const.folded(node.eval(null));
      } catch (LimitExceededException e) {
        throw tracker.limit(path, "computing this constant: " + e.getMessage());
      }
    }
    return node;
  }

  static boolean allConstant(Expr... args) {
    for (Expr a : args) {
      if (a != null && !a.isConstant()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the expression is a constant string or boolean, which an equality can compare with directly. */
  static boolean isStringOrBoolean(Expr e) {
    if (!e.isConstant()) {
      return false;
    }
    Object v = e.eval(null);
    return v instanceof String || v instanceof Boolean;
  }
}
