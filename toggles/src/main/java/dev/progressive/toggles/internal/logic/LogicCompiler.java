package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.json.JsonValues;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a JsonLogic rule, with flagd's operators and {@code $ref}s, into an {@link Expr} tree that evaluates
 * without walking JSON.
 *
 * <p>Supported: every standard JsonLogic operator with json-logic-js's semantics ({@code var}, {@code missing},
 * {@code missing_some}, {@code if}, {@code ?:}, {@code ==}, {@code ===}, {@code !=}, {@code !==}, {@code !},
 * {@code !!}, {@code or}, {@code and}, {@code >}, {@code >=}, {@code <}, {@code <=}, {@code max}, {@code min},
 * {@code +}, {@code -}, {@code *}, {@code /}, {@code %}, {@code map}, {@code filter}, {@code reduce}, {@code all},
 * {@code none}, {@code some}, {@code merge}, {@code in}, {@code cat}, {@code substr}, {@code log}) and flagd's
 * {@code fractional}, {@code sem_ver}, {@code starts_with} and {@code ends_with}. {@code {"$ref": "name"}} is replaced
 * by the named evaluator of the scope, compiled in place.
 *
 * <p>The root of the rule, and the branches of an {@code if} in that position, are in <em>result position</em>: a
 * {@code fractional} there answers a {@link Split}, elsewhere its plain value.
 *
 * <p>Subtrees without data are folded into constants. A rule that flagd would accept but that can only fail at run
 * time (an unknown {@code sem_ver} operator, a wrong number of arguments to {@code sem_ver}, {@code starts_with} or
 * {@code ends_with}, a negative {@code fractional} weight) is refused in a {@link CompileScope#strict() strict}
 * scope; otherwise it compiles to flagd's answer (null, or a weight of 0), with a warning.
 *
 * <pre>{@code
 * Expr rule = LogicCompiler.compile(targetingNode,
 *     new CompileScope("flags.json", "new-menu", "$.flags.new-menu.targeting", evaluators, FractionalHashing.v2()));
 * Object variant = rule.eval(rootData); // a String, a Split, null, ...
 * }</pre>
 */
public final class LogicCompiler {

  private static final Logger LOG = LoggerFactory.getLogger(LogicCompiler.class);
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");
  private static final String FLAGD_FLAG_KEY = "$flagd.flagKey";
  private static final String FLAGD_TIMESTAMP = "$flagd.timestamp";

  private final CompileScope scope;
  private final Deque<String> refs = new ArrayDeque<>();
  /** The nesting of the node being compiled, $refs followed included: bounded by {@link Limits#MAX_DEPTH}. */
  private int depth;
  /** The deepest nesting reached so far, to know the height of an evaluator. */
  private int deepest;
  /** The nodes of the rule so far, every $ref expanded: bounded by {@link Limits#MAX_RULE_NODES}. */
  private long nodes;
  /** Whether the error being thrown is a limit, which depends on where an evaluator is used and so is not cached. */
  private boolean limitReached;

  private LogicCompiler(CompileScope scope) {
    this.scope = scope;
  }

  /**
   * Compiles a rule.
   *
   * @param rule the rule; a JSON null or a missing node compiles to null
   * @param scope the flag, source and evaluators the rule belongs to
   * @return the compiled rule, immutable and thread-safe
   * @throws FlagDefinitionException when the rule cannot be compiled: unknown operator, an object with other than one
   *     key, a {@code $ref} to a missing evaluator or in a cycle, a malformed {@code fractional}; the exception's
   *     JSON path points at the faulty node
   */
  public static Expr compile(JsonNode rule, CompileScope scope) {
    Objects.requireNonNull(scope, "scope");
    LogicCompiler compiler = new LogicCompiler(scope);
    // Folding constants spends from one budget for the whole rule.
    Budget budget = Budget.current();
    long work = Math.min(Limits.MAX_WORK, scope.evaluators().foldingWorkLeft());
    boolean armed = budget.armForCompile(work);
    try {
      return compiler.compile(rule, scope.path(), true, false);
    } catch (FlagDefinitionException e) {
      throw e;
    } catch (StackOverflowError e) {
      // The depth bound keeps the stack far from this; a thread with a tiny stack may still get here.
      throw compiler.error(scope.path(), "rule cannot be compiled: it is nested too deeply for this thread's stack");
    } catch (RuntimeException e) {
      throw compiler.error(scope.path(), "rule cannot be compiled: " + e, e);
    } finally {
      if (armed) {
        scope.evaluators().foldingWorkDone(work - budget.left());
        budget.disarm();
      }
    }
  }

  // ---------------------------------------------------------------- errors and paths

  private FlagDefinitionException error(String path, String detail) {
    return error(path, detail, null);
  }

  private FlagDefinitionException error(String path, String detail, Throwable cause) {
    return new FlagDefinitionException(scope.source(), scope.flagKey(), path, detail, cause);
  }

  /** A bound of {@link Limits} was reached: refused, and not cached as the evaluator's own failure. */
  private FlagDefinitionException limit(String path, String detail) {
    limitReached = true;
    return error(path, detail);
  }

  /** A rule flagd accepts but that always answers null: refused in a strict scope, a warning otherwise. */
  private void warn(String path, String detail) {
    if (scope.strict()) {
      throw error(path, detail + "; it would always answer null");
    }
    LOG.warn("{}: flag '{}': {}: {}; it always answers null", scope.source(), scope.flagKey(), path, detail);
  }

  static String child(String path, String name) {
    if (PLAIN_NAME.matcher(name).matches()) {
      return path + "." + name;
    }
    return path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  // ---------------------------------------------------------------- the walk

  /**
   * @param result whether the node is in result position
   * @param iterating whether the data is an element of {@code map}, {@code filter} and the like, not the root data
   */
  private Expr compile(JsonNode node, String path, boolean result, boolean iterating) {
    if (depth >= Limits.MAX_DEPTH) {
      throw limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH + " levels (counting the $refs followed)"
          + (refs.isEmpty() ? "" : " through the $ref chain " + chain(null)));
    }
    countNodes(path, 1);
    depth++;
    if (depth > deepest) {
      deepest = depth;
    }
    try {
      return compileNode(node, path, result, iterating);
    } finally {
      depth--;
    }
  }

  private void countNodes(String path, long more) {
    nodes += more;
    if (nodes > Limits.MAX_RULE_NODES) {
      throw limit(path, "the rule has more than " + Limits.MAX_RULE_NODES
          + " nodes once its $refs are expanded; each use of an evaluator counts its whole size");
    }
  }

  /** The $refs being followed, outermost first, and then {@code next} when not null. */
  private String chain(String next) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = refs.descendingIterator(); it.hasNext();) {
      names.add(it.next());
    }
    if (next != null) {
      names.add(next);
    }
    if (names.size() > 12) {
      List<String> shortened = new ArrayList<>(names.subList(0, 5));
      shortened.add("... " + (names.size() - 10) + " more ...");
      shortened.addAll(names.subList(names.size() - 5, names.size()));
      names = shortened;
    }
    return String.join(" -> ", names);
  }

  private Expr compileNode(JsonNode node, String path, boolean result, boolean iterating) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Const.NULL;
    }
    if (node.isArray()) {
      Expr[] elements = new Expr[node.size()];
      boolean allConstant = true;
      for (int i = 0; i < elements.length; i++) {
        elements[i] = compile(node.get(i), index(path, i), false, iterating);
        allConstant &= elements[i].isConstant();
      }
      if (allConstant) {
        Budget.chargeLength(elements.length);
        List<Object> values = new ArrayList<>(elements.length);
        for (Expr e : elements) {
          values.add(e.eval(null));
        }
        return Const.of(Collections.unmodifiableList(values));
      }
      return new ArrayLiteral(elements);
    }
    if (!node.isObject()) {
      return Const.of(JsonValues.toJava(node));
    }
    if (node.isEmpty()) {
      return Const.of(Map.of());
    }
    if (node.size() > 1) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      throw error(path, "an operator object must have exactly one key, found " + keys.size() + ": " + keys);
    }
    Map.Entry<String, JsonNode> entry = node.fields().next();
    String op = entry.getKey();
    JsonNode value = entry.getValue();
    String opPath = child(path, op);
    if ("$ref".equals(op)) {
      return ref(value, opPath, result, iterating);
    }
    return operator(op, value, opPath, result, iterating);
  }

  private Expr ref(JsonNode value, String path, boolean result, boolean iterating) {
    if (value == null || !value.isTextual()) {
      throw error(path, "$ref must be the name of an evaluator, a string");
    }
    String name = value.textValue().trim();
    SharedEvaluators shared = scope.evaluators();
    JsonNode target = shared.rule(name);
    if (target == null) {
      throw error(path, "$ref to an unknown evaluator '" + name + "'");
    }
    if (refs.contains(name)) {
      throw error(path, "$ref cycle: " + chain(name));
    }
    SharedEvaluators.Key key = new SharedEvaluators.Key(name, result, iterating, scope.strict(), scope.hashing());
    SharedEvaluators.Compiled known = shared.get(key);
    if (known != null) {
      return reuse(known, path);
    }
    String evaluatorPath = child(child("$", "$evaluators"), name);
    int depthAtRef = depth;
    int deepestBefore = deepest;
    long nodesBefore = nodes;
    deepest = depth;
    refs.push(name);
    try {
      Expr expr = compile(target, evaluatorPath, result, iterating);
      shared.put(key, new SharedEvaluators.Compiled(expr, nodes - nodesBefore, deepest - depthAtRef, null));
      return expr;
    } catch (FlagDefinitionException e) {
      if (!limitReached) {
        shared.put(key, new SharedEvaluators.Compiled(null, 0, 0, e));
      }
      throw through(e, path, refs.size() == 1);
    } finally {
      refs.pop();
      deepest = Math.max(deepest, deepestBefore);
    }
  }

  /** An evaluator compiled before: its tree, counted in this rule's limits as if it were compiled here. */
  private Expr reuse(SharedEvaluators.Compiled known, String path) {
    if (known.failure() != null) {
      FlagDefinitionException e = known.failure();
      throw through(new FlagDefinitionException(scope.source(), scope.flagKey(), e.jsonPath(), e.detail(),
          e.getCause()), path, refs.isEmpty());
    }
    if (depth + known.height() > Limits.MAX_DEPTH) {
      throw limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH
          + " levels (counting the $refs followed)");
    }
    deepest = Math.max(deepest, depth + known.height());
    countNodes(path, known.size());
    return known.expr();
  }

  /** An error inside the evaluators, saying which place of the flag's own rule led there. */
  private static FlagDefinitionException through(FlagDefinitionException e, String path, boolean outermost) {
    if (!outermost) {
      return e;
    }
    return new FlagDefinitionException(e.source(), e.flagKey(), e.jsonPath(),
        e.detail() + " (through the $ref at " + path + ")", e.getCause());
  }

  /** The arguments of an operator: the elements of an array, or the value itself as the only one. */
  private Expr[] args(JsonNode value, String opPath, boolean iterating) {
    if (value.isArray()) {
      Expr[] out = new Expr[value.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = compile(value.get(i), index(opPath, i), false, iterating);
      }
      return out;
    }
    return new Expr[] {compile(value, opPath, false, iterating)};
  }

  private static Expr arg(Expr[] args, int i, Expr absent) {
    return i < args.length ? args[i] : absent;
  }

  private static boolean allConstant(Expr... args) {
    for (Expr a : args) {
      if (a != null && !a.isConstant()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The node, or its value computed now when all its arguments are constants. Folding is bounded like evaluation
   * (see {@link Limits}); a constant that passes a bound refuses the rule.
   */
  private Expr fold(String path, Expr node, Expr... args) {
    if (allConstant(args)) {
      try {
        return Const.folded(node.eval(null));
      } catch (LimitExceededException e) {
        throw limit(path, "computing this constant: " + e.getMessage());
      }
    }
    return node;
  }

  private Expr operator(String op, JsonNode value, String path, boolean result, boolean iterating) {
    switch (op) {
      case "var":
        return var(value, path, iterating);
      case "missing":
        return new VarOps.Missing(args(value, path, iterating));
      case "missing_some": {
        Expr[] a = args(value, path, iterating);
        return new VarOps.MissingSome(arg(a, 0, Const.NULL), arg(a, 1, Const.NULL));
      }
      case "if":
      case "?:":
        return conditional(value, path, result, iterating);
      case "and": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new LogicOps.And(a), a);
      }
      case "or": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new LogicOps.Or(a), a);
      }
      case "!":
      case "!!": {
        Expr a = arg(args(value, path, iterating), 0, Const.NULL);
        return fold(path, new LogicOps.Truth(a, "!".equals(op)), a);
      }
      case "==":
      case "===":
      case "!=":
      case "!==":
        return equality(op, args(value, path, iterating), path);
      case "<":
      case "<=": {
        Expr[] a = args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        Expr z = arg(a, 2, null);
        return fold(path, new CompareOps.Relational(x, y, z, "<=".equals(op)), x, y, z);
      }
      case ">":
      case ">=": {
        Expr[] a = args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        return fold(path, new CompareOps.Relational(y, x, null, ">=".equals(op)), x, y);
      }
      case "max":
      case "min": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new ArithmeticOps.Extreme(a, "max".equals(op)), a);
      }
      case "+": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new ArithmeticOps.Add(a), a);
      }
      case "*": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new ArithmeticOps.Multiply(a), a);
      }
      case "-": {
        Expr[] a = args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, null);
        return fold(path, new ArithmeticOps.Subtract(x, y), x, y);
      }
      case "/":
      case "%": {
        Expr[] a = args(value, path, iterating);
        Expr x = arg(a, 0, Const.NAN);
        Expr y = arg(a, 1, Const.NAN);
        return fold(path, new ArithmeticOps.Divide(x, y, "%".equals(op)), x, y);
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
        Expr[] a = args(value, path, iterating);
        return fold(path, new ArrayOps.Merge(a), a);
      }
      case "in": {
        Expr[] a = args(value, path, iterating);
        Expr x = arg(a, 0, Const.NULL);
        Expr y = arg(a, 1, Const.NULL);
        return fold(path, new ArrayOps.In(x, y), x, y);
      }
      case "cat": {
        Expr[] a = args(value, path, iterating);
        return fold(path, new StringOps.Cat(a), a);
      }
      case "substr": {
        Expr[] a = args(value, path, iterating);
        Expr s = arg(a, 0, Const.NULL);
        Expr start = arg(a, 1, Const.NULL);
        Expr length = arg(a, 2, null);
        return fold(path, new StringOps.Substr(s, start, length), s, start, length);
      }
      case "log":
        return new StringOps.Log(arg(args(value, path, iterating), 0, Const.NULL));
      case "starts_with":
      case "ends_with": {
        Expr[] a = args(value, path, iterating);
        if (a.length != 2) {
          warn(path, op + " needs 2 arguments, found " + a.length);
          return Const.NULL;
        }
        return fold(path, new StringOps.Affix(a[0], a[1], "starts_with".equals(op)), a);
      }
      case "sem_ver":
        return semVer(args(value, path, iterating), path);
      case "fractional":
        return fractional(value, path, result, iterating);
      default:
        throw error(path, "unknown operator '" + op + "'");
    }
  }

  private Expr var(JsonNode value, String path, boolean iterating) {
    Expr[] a = args(value, path, iterating);
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
        return refs.isEmpty() ? Const.of(scope.flagKey()) : new VarOps.FlagKey();
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
      compiled[i] = compile(nodes[i], at, result && !isCondition, iterating);
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
    if (allConstant(x, y)) {
      return fold(path, new CompareOps.Equality(x, y, strict, negate), x, y);
    }
    if (isStringOrBoolean(y)) {
      return new CompareOps.EqualsConstant(x, y.eval(null), strict, negate);
    }
    if (isStringOrBoolean(x)) {
      return new CompareOps.EqualsConstant(y, x.eval(null), strict, negate);
    }
    return new CompareOps.Equality(x, y, strict, negate);
  }

  private static boolean isStringOrBoolean(Expr e) {
    if (!e.isConstant()) {
      return false;
    }
    Object v = e.eval(null);
    return v instanceof String || v instanceof Boolean;
  }

  private Expr iterate(ArrayOps.Kind kind, JsonNode value, String path, boolean iterating) {
    Expr source = Const.NULL;
    Expr logic = Const.NULL;
    long logicSize = 1;
    if (value.isArray()) {
      if (value.size() > 0) {
        source = compile(value.get(0), index(path, 0), false, iterating);
      }
      if (value.size() > 1) {
        long before = nodes;
        logic = compile(value.get(1), index(path, 1), false, true);
        logicSize = nodes - before;
      }
    } else {
      source = compile(value, path, false, iterating);
    }
    return fold(path, new ArrayOps.Iterate(kind, source, logic, logicSize), source, logic);
  }

  private Expr reduce(JsonNode value, String path, boolean iterating) {
    Expr source = Const.NULL;
    Expr logic = Const.NULL;
    long logicSize = 1;
    Expr initial = Const.NULL;
    if (value.isArray()) {
      if (value.size() > 0) {
        source = compile(value.get(0), index(path, 0), false, iterating);
      }
      if (value.size() > 1) {
        long before = nodes;
        logic = compile(value.get(1), index(path, 1), false, true);
        logicSize = nodes - before;
      }
      if (value.size() > 2) {
        initial = compile(value.get(2), index(path, 2), false, iterating);
      }
    } else {
      source = compile(value, path, false, iterating);
    }
    return fold(path, new ArrayOps.Reduce(source, logic, initial, logicSize), source, logic, initial);
  }

  private Expr semVer(Expr[] a, String path) {
    if (a.length != 3) {
      warn(path, "sem_ver needs 3 arguments, found " + a.length);
      return Const.NULL;
    }
    if (a[1].isConstant() && SemVerOp.Operator.of(a[1].eval(null)) == null) {
      warn(path, "sem_ver has an unknown operator " + a[1].eval(null));
      return Const.NULL;
    }
    for (int i = 0; i < 3; i += 2) {
      if (a[i].isConstant() && !SemVerOp.isVersion(a[i].eval(null))) {
        warn(index(path, i), "sem_ver argument is not a version: " + a[i].eval(null));
        return Const.NULL;
      }
    }
    if (allConstant(a)) {
      return fold(path, new SemVerOp.General(a[0], a[1], a[2]), a);
    }
    if (a[1].isConstant() && a[2].isConstant()) {
      return new SemVerOp.AgainstConstant(a[0], SemVerOp.Operator.of(a[1].eval(null)), a[2].eval(null));
    }
    return new SemVerOp.General(a[0], a[1], a[2]);
  }

  // ---------------------------------------------------------------- fractional

  /** Follows {@code $ref}s to the node they stand for, so that the shape of a bucket can be checked. */
  private JsonNode deref(JsonNode node, String path) {
    JsonNode current = node;
    List<String> seen = new ArrayList<>();
    while (current != null && current.isObject() && current.size() == 1 && current.has("$ref")) {
      if (seen.size() + depth >= Limits.MAX_DEPTH) {
        throw limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH + " levels (counting the $refs followed)");
      }
      JsonNode name = current.get("$ref");
      if (!name.isTextual()) {
        throw error(child(path, "$ref"), "$ref must be the name of an evaluator, a string");
      }
      String key = name.textValue().trim();
      if (seen.contains(key) || refs.contains(key)) {
        seen.add(key);
        throw error(child(path, "$ref"), "$ref cycle: " + String.join(" -> ", seen));
      }
      seen.add(key);
      JsonNode target = scope.evaluators().rule(key);
      if (target == null) {
        throw error(child(path, "$ref"), "$ref to an unknown evaluator '" + key + "'");
      }
      current = target;
    }
    return current;
  }

  private Expr fractional(JsonNode value, String path, boolean result, boolean iterating) {
    if (!value.isArray()) {
      throw error(path, "fractional needs an array: an optional bucket key, then buckets [variant, weight]");
    }
    int first = 0;
    Expr key = null;
    if (value.size() > 0 && !deref(value.get(0), index(path, 0)).isArray()) {
      key = compile(value.get(0), index(path, 0), false, iterating);
      first = 1;
    }
    int n = value.size() - first;
    if (n < 1) {
      throw error(path, "fractional needs at least one bucket [variant, weight]");
    }
    Expr[] variants = new Expr[n];
    Expr[] weights = new Expr[n];
    for (int b = 0; b < n; b++) {
      String bucketPath = index(path, first + b);
      JsonNode bucket = deref(value.get(first + b), bucketPath);
      if (!bucket.isArray() || bucket.isEmpty() || bucket.size() > 2) {
        throw error(bucketPath, "a fractional bucket must be [variant] or [variant, weight]");
      }
      JsonNode variantNode = bucket.get(0);
      if (variantNode.isArray()) {
        throw error(index(bucketPath, 0), "a fractional variant must be a string, a boolean, a number or a rule");
      }
      variants[b] = compile(variantNode, index(bucketPath, 0), false, iterating);
      if (bucket.size() == 1) {
        weights[b] = Const.of(1);
        continue;
      }
      String weightPath = index(bucketPath, 1);
      Expr weight = compile(bucket.get(1), weightPath, false, iterating);
      if (weight.isConstant()) {
        Object w = weight.eval(null);
        if (!(w instanceof Number number)) {
          throw error(weightPath, "a fractional weight must be a number, found " + w);
        }
        if (number.doubleValue() > Integer.MAX_VALUE) {
          throw error(weightPath, "a fractional weight must be at most " + Integer.MAX_VALUE + ", found " + w);
        }
        if (number.doubleValue() < 0) {
          if (scope.strict()) {
            throw error(weightPath, "a fractional weight must not be negative, found " + w);
          }
          LOG.warn("{}: flag '{}': {}: negative fractional weight {} counts as 0, as in flagd", scope.source(),
              scope.flagKey(), weightPath, w);
        }
      }
      weights[b] = weight;
    }
    // An evaluator is shared by the flags that use it: there the flag key is read when the flag is evaluated.
    return new Fractional(scope.hashing(), refs.isEmpty() ? scope.flagKey() : null, key, variants, weights, result);
  }
}
