package dev.progressive.toggles.internal.logic;

import static dev.progressive.toggles.internal.logic.CompileTracker.index;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compiles flagd's own operators, {@code fractional}, {@code sem_ver}, {@code starts_with} and {@code ends_with},
 * checking at compile time what flagd only finds at run time: refused in a strict scope, flagd's answer (null, or a
 * weight of 0) with a warning otherwise.
 */
final class FlagdOperators {

  private final LogicCompiler compiler;
  private final CompileTracker tracker;
  private final ConstantFolding folding;
  private final RefExpansion refs;

  FlagdOperators(LogicCompiler compiler, CompileTracker tracker, ConstantFolding folding, RefExpansion refs) {
    this.compiler = compiler;
    this.tracker = tracker;
    this.folding = folding;
    this.refs = refs;
  }

  /** Whether the operator is one of flagd's. */
  static boolean handles(String op) {
    return "starts_with".equals(op) || "ends_with".equals(op) || "sem_ver".equals(op) || "fractional".equals(op);
  }

  Expr operator(String op, JsonNode value, String path, boolean result, boolean iterating) {
    switch (op) {
      case "starts_with":
      case "ends_with": {
        Expr[] a = compiler.args(value, path, iterating);
        if (a.length != 2) {
          tracker.warn(path, op + " needs 2 arguments, found " + a.length);
          return Const.NULL;
        }
        return folding.fold(path, new StringOps.Affix(a[0], a[1], "starts_with".equals(op)), a);
      }
      case "sem_ver":
        return semVer(compiler.args(value, path, iterating), path);
      case "fractional":
        return fractional(value, path, result, iterating);
      default:
        throw new IllegalArgumentException("not a flagd operator: " + op);
    }
  }

  private Expr semVer(Expr[] a, String path) {
    if (a.length != 3) {
      tracker.warn(path, "sem_ver needs 3 arguments, found " + a.length);
      return Const.NULL;
    }
    if (a[1].isConstant() && SemVerOp.Operator.of(a[1].eval(null)) == null) {
      tracker.warn(path, "sem_ver has an unknown operator " + a[1].eval(null));
      return Const.NULL;
    }
    for (int i = 0; i < 3; i += 2) {
      if (a[i].isConstant() && !SemVerOp.isVersion(a[i].eval(null))) {
        tracker.warn(index(path, i), "sem_ver argument is not a version: " + a[i].eval(null));
        return Const.NULL;
      }
    }
    if (ConstantFolding.allConstant(a)) {
      return folding.fold(path, new SemVerOp.General(a[0], a[1], a[2]), a);
    }
    if (a[1].isConstant() && a[2].isConstant()) {
      return new SemVerOp.AgainstConstant(a[0], SemVerOp.Operator.of(a[1].eval(null)), a[2].eval(null));
    }
    return new SemVerOp.General(a[0], a[1], a[2]);
  }

  private Expr fractional(JsonNode value, String path, boolean result, boolean iterating) {
    if (!value.isArray()) {
      throw tracker.error(path, "fractional needs an array: an optional bucket key, then buckets [variant, weight]");
    }
    int first = 0;
    Expr key = null;
    if (value.size() > 0 && !refs.deref(value.get(0), index(path, 0)).isArray()) {
      key = compiler.compile(value.get(0), index(path, 0), false, iterating);
      first = 1;
    }
    int n = value.size() - first;
    if (n < 1) {
      throw tracker.error(path, "fractional needs at least one bucket [variant, weight]");
    }
    Expr[] variants = new Expr[n];
    Expr[] weights = new Expr[n];
    CompileScope scope = tracker.scope();
    for (int b = 0; b < n; b++) {
      String bucketPath = index(path, first + b);
      JsonNode bucket = refs.deref(value.get(first + b), bucketPath);
      if (!bucket.isArray() || bucket.isEmpty() || bucket.size() > 2) {
        throw tracker.error(bucketPath, "a fractional bucket must be [variant] or [variant, weight]");
      }
      JsonNode variantNode = bucket.get(0);
      if (variantNode.isArray()) {
        throw tracker.error(index(bucketPath, 0),
            "a fractional variant must be a string, a boolean, a number or a rule");
      }
      variants[b] = compiler.compile(variantNode, index(bucketPath, 0), false, iterating);
      if (bucket.size() == 1) {
        weights[b] = Const.of(1);
        continue;
      }
      String weightPath = index(bucketPath, 1);
      Expr weight = compiler.compile(bucket.get(1), weightPath, false, iterating);
      if (weight.isConstant()) {
        Object w = weight.eval(null);
        if (!(w instanceof Number number)) {
          throw tracker.error(weightPath, "a fractional weight must be a number, found " + w);
        }
        if (number.doubleValue() > Integer.MAX_VALUE) {
          throw tracker.error(weightPath, "a fractional weight must be at most " + Integer.MAX_VALUE + ", found " + w);
        }
        if (number.doubleValue() < 0) {
          if (scope.strict()) {
            throw tracker.error(weightPath, "a fractional weight must not be negative, found " + w);
          }
          tracker.note("{}: flag '{}': {}: negative fractional weight {} counts as 0, as in flagd", scope.source(),
              scope.flagKey(), weightPath, w);
        }
      }
      weights[b] = weight;
    }
    // An evaluator is shared by the flags that use it: there the flag key is read when the flag is evaluated.
    return new Fractional(scope.hashing(), tracker.inOwnRule() ? scope.flagKey() : null, key, variants, weights,
        result);
  }
}
