package dev.progressive.toggles.internal.logic;

import static dev.progressive.toggles.internal.logic.CompileTracker.child;
import static dev.progressive.toggles.internal.logic.CompileTracker.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.json.JsonValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *
 * <p>This class walks the rule and hands each operator to the family that compiles it ({@link JsonLogicOperators},
 * {@link FlagdOperators}, {@link RefExpansion}); {@link CompileTracker} keeps the bounds and names the errors, and
 * {@link ConstantFolding} computes constant subtrees.
 */
public final class LogicCompiler {

  private final CompileTracker tracker;
  private final RefExpansion refs;
  private final JsonLogicOperators jsonLogic;
  private final FlagdOperators flagd;

  private LogicCompiler(CompileScope scope) {
    this.tracker = new CompileTracker(scope);
    ConstantFolding folding = new ConstantFolding(tracker);
    this.refs = new RefExpansion(this, tracker);
    this.jsonLogic = new JsonLogicOperators(this, tracker, folding);
    this.flagd = new FlagdOperators(this, tracker, folding, refs);
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
      throw compiler.tracker.error(scope.path(),
          "rule cannot be compiled: it is nested too deeply for this thread's stack");
    } catch (RuntimeException e) {
      throw compiler.tracker.error(scope.path(), "rule cannot be compiled: " + e, e);
    } finally {
      if (armed) {
        scope.evaluators().foldingWorkDone(work - budget.left());
        budget.disarm();
      }
    }
  }

  /**
   * Compiles one node, within the depth and node bounds.
   *
   * @param result whether the node is in result position
   * @param iterating whether the data is an element of {@code map}, {@code filter} and the like, not the root data
   */
  Expr compile(JsonNode node, String path, boolean result, boolean iterating) {
    tracker.enter(path);
    try {
      return compileNode(node, path, result, iterating);
    } finally {
      tracker.leave();
    }
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
        for (Expr element : elements) {
          values.add(element.eval(null));
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
      throw tracker.error(path, "an operator object must have exactly one key, found " + keys.size() + ": " + keys);
    }
    Map.Entry<String, JsonNode> entry = node.fields().next();
    String op = entry.getKey();
    JsonNode value = entry.getValue();
    String opPath = child(path, op);
    if ("$ref".equals(op)) {
      return refs.ref(value, opPath, result, iterating);
    }
    if (FlagdOperators.handles(op)) {
      return flagd.operator(op, value, opPath, result, iterating);
    }
    return jsonLogic.operator(op, value, opPath, result, iterating);
  }

  /** The arguments of an operator: the elements of an array, or the value itself as the only one. */
  Expr[] args(JsonNode value, String opPath, boolean iterating) {
    if (value.isArray()) {
      Expr[] out = new Expr[value.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = compile(value.get(i), index(opPath, i), false, iterating);
      }
      return out;
    }
    return new Expr[] {compile(value, opPath, false, iterating)};
  }
}
