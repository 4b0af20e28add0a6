package dev.progressive.toggles.internal.logic;

import static dev.progressive.toggles.internal.logic.CompileTracker.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles JsonLogic's standard operators with json-logic-js's semantics: data access ({@code var}, {@code missing},
 * {@code missing_some}), logic and conditions, comparison, arithmetic, arrays and strings. A condition known at
 * compile time picks its branch, an equality with a constant string or boolean compiles to a direct comparison, and
 * an operator of constants is folded.
 */
final class JsonLogicOperators {

  private static final String FLAGD_FLAG_KEY = "$flagd.flagKey";
  private static final String FLAGD_TIMESTAMP = "$flagd.timestamp";

  private final LogicCompiler compiler;
  private final CompileTracker tracker;
  private final ConstantFolding folding;

  JsonLogicOperators(LogicCompiler compiler, CompileTracker tracker, ConstantFolding folding) {
    this.compiler = compiler;
    this.tracker = tracker;
    this.folding = folding;
  }

  private static Expr arg(Expr[] args, int i, Expr absent) {
    return i < args.length ? args[i] : absent;
  }

  Expr operator(String op, JsonNode value, String path, boolean result, boolean iterating) {
    switch (op) {
      case "var":
        return var(value, path, iterating);
      case "missing":
        return new VarOps.Missing(compiler.args(value, path, iterating));
      case "missing_some": {
        Expr[] a = compiler.args(value, path, iterating);
        return new VarOps.MissingSome(arg(a, 0, Const.NULL), arg(a, 1, Const.NULL));
      }
      case "if":
      case "?:":
        return conditional(value, path, result, iterating);
      case "and": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new LogicOps.And(a), a);
      }
      case "or": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new LogicOps.Or(a), a);
      }
      case "!":
      case "!!": {
        Expr a = arg(compiler.args(value, path, iterating), 0, Const.NULL);
        return folding.fold(path, new LogicOps.Truth(a, "!".equals(op)), a);
      }
      case "==":
      case "===":
      case "!=":
      case "!==":
        return equality(op, compiler.args(value, path, iterating), path);
      case "<":
      case "<=": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        Expr z = arg(a, 2, null);
        return folding.fold(path, new CompareOps.Relational(x, y, z, "<=".equals(op)), x, y, z);
      }
      case ">":
      case ">=": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        return folding.fold(path, new CompareOps.Relational(y, x, null, ">=".equals(op)), x, y);
      }
      case "max":
      case "min": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new ArithmeticOps.Extreme(a, "max".equals(op)), a);
      }
      case "+": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new ArithmeticOps.Add(a), a);
      }
      case "*": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new ArithmeticOps.Multiply(a), a);
      }
      case "-": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, null);
        return folding.fold(path, new ArithmeticOps.Subtract(x, y), x, y);
      }
      case "/":
      case "%": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        return folding.fold(path, new ArithmeticOps.Divide(x, y, "%".equals(op)), x, y);
      }
      case "map":
        return iterate(ArrayOps.Kind.MAP, value, path, iterating);
      case "filter":
        return iterate(ArrayOps.Kind.FILTER, value, path, iterating);
      case "all":
        return iterate(ArrayOps.Kind.ALL, value, path, iterating);
      case "none":
        return iterate(ArrayOps.Kind.NONE, value, path, iterating);
      case "some":
        return iterate(ArrayOps.Kind.SOME, value, path, iterating);
      case "reduce":
        return reduce(value, path, iterating);
      case "merge": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new ArrayOps.Merge(a), a);
      }
      case "in": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr x = arg(a, 0, Const.NULL);
        Expr y = arg(a, 1, Const.NULL);
        return folding.fold(path, new ArrayOps.In(x, y), x, y);
      }
      case "cat": {
        Expr[] a = compiler.args(value, path, iterating);
        return folding.fold(path, new StringOps.Cat(a), a);
      }
      case "substr": {
        Expr[] a = compiler.args(value, path, iterating);
        Expr s = arg(a, 0, Const.NULL);
        Expr start = arg(a, 1, Const.NULL);
        Expr length = arg(a, 2, null);
        return folding.fold(path, new StringOps.Substr(s, start, length), s, start, length);
      }
      case "log":
        return new StringOps.Log(arg(compiler.args(value, path, iterating), 0, Const.NULL));
      default:
        throw tracker.error(path, "unknown operator '" + op + "'");
    }
  }

  private Expr var(JsonNode value, String path, boolean iterating) {
    Expr[] a = compiler.args(value, path, iterating);
    Expr pathRule = arg(a, 0, Const.NULL);
    Expr fallback = a.length > 1 ? a[1] : null;
    if (!pathRule.isConstant()) {
      return new VarOps.Dynamic(pathRule, fallback);
    }
    Object varPath = pathRule.eval(null);
    if (VarOps.isWholeData(varPath)) {
      return new VarOps.Whole();
    }
    String text = JavaScriptSemantics.toJsString(varPath);
    if (!iterating) {
      if (FLAGD_FLAG_KEY.equals(text)) {
        // An evaluator is shared by the flags that use it: there the key is read when the flag is evaluated.
        return tracker.inOwnRule() ? Const.of(tracker.scope().flagKey()) : new VarOps.FlagKey();
      }
      if (FLAGD_TIMESTAMP.equals(text)) {
        return new VarOps.Timestamp();
      }
    }
    return new VarOps.Path(text, fallback);
  }

  private Expr conditional(JsonNode value, String path, boolean result, boolean iterating) {
    JsonNode[] nodes = value.isArray() ? new JsonNode[value.size()] : new JsonNode[] {value};
    if (value.isArray()) {
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = value.get(i);
      }
    }
    int n = nodes.length;
    Expr[] compiled = new Expr[n];
    for (int i = 0; i < n; i++) {
      boolean isCondition = i % 2 == 0 && i + 1 < n;
      String at = value.isArray() ? index(path, i) : path;
      compiled[i] = compiler.compile(nodes[i], at, result && !isCondition, iterating);
    }
    List<Expr> conditions = new ArrayList<>();
    List<Expr> branches = new ArrayList<>();
    Expr otherwise = null;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      Expr condition = compiled[i];
      if (condition.isConstant()) {
        if (JavaScriptSemantics.truthy(condition.eval(null))) {
          otherwise = compiled[i + 1];
          break;
        }
        continue;
      }
      conditions.add(condition);
      branches.add(compiled[i + 1]);
    }
    if (otherwise == null && i == n - 1) {
      otherwise = compiled[i];
    }
    if (conditions.isEmpty()) {
      return otherwise == null ? Const.NULL : otherwise;
    }
    return new LogicOps.If(conditions.toArray(new Expr[0]), branches.toArray(new Expr[0]), otherwise);
  }

  private Expr equality(String op, Expr[] a, String path) {
    Expr x = arg(a, 0, Const.NULL);
    Expr y = arg(a, 1, Const.NULL);
    boolean strict = op.length() == 3;
    boolean negate = op.charAt(0) == '!';
    if (ConstantFolding.allConstant(x, y)) {
      return folding.fold(path, new CompareOps.Equality(x, y, strict, negate), x, y);
    }
    if (ConstantFolding.isStringOrBoolean(y)) {
      return new CompareOps.EqualsConstant(x, y.eval(null), strict, negate);
    }
    if (ConstantFolding.isStringOrBoolean(x)) {
      return new CompareOps.EqualsConstant(y, x.eval(null), strict, negate);
    }
    return new CompareOps.Equality(x, y, strict, negate);
  }

  private Expr iterate(ArrayOps.Kind kind, JsonNode value, String path, boolean iterating) {
    Expr source = Const.NULL;
    Expr logic = Const.NULL;
    long logicSize = 1;
    if (value.isArray()) {
      if (value.size() > 0) {
        source = compiler.compile(value.get(0), index(path, 0), false, iterating);
      }
      if (value.size() > 1) {
        long before = tracker.nodes;
        logic = compiler.compile(value.get(1), index(path, 1), false, true);
        logicSize = tracker.nodes - before;
      }
    } else {
      source = compiler.compile(value, path, false, iterating);
    }
    return folding.fold(path, new ArrayOps.Iterate(kind, source, logic, logicSize), source, logic);
  }

  private Expr reduce(JsonNode value, String path, boolean iterating) {
    Expr source = Const.NULL;
    Expr logic = Const.NULL;
    long logicSize = 1;
    Expr initial = Const.NULL;
    if (value.isArray()) {
      if (value.size() > 0) {
        source = compiler.compile(value.get(0), index(path, 0), false, iterating);
      }
      if (value.size() > 1) {
        long before = tracker.nodes;
        logic = compiler.compile(value.get(1), index(path, 1), false, true);
        logicSize = tracker.nodes - before;
      }
      if (value.size() > 2) {
        initial = compiler.compile(value.get(2), index(path, 2), false, iterating);
      }
    } else {
      source = compiler.compile(value, path, false, iterating);
    }
    return folding.fold(path, new ArrayOps.Reduce(source, logic, initial, logicSize), source, logic, initial);
  }
}
