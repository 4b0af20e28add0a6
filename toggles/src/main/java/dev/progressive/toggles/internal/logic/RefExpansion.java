package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands {@code {"$ref": "name"}}: compiles the named evaluator in place, or reuses the tree compiled before for the
 * same position, counting it in this rule's depth and node bounds either way; refuses unknown names and cycles, and
 * says through which {@code $ref} of the flag's own rule an evaluator's error was reached.
 */
final class RefExpansion {

  private final LogicCompiler compiler;
  private final CompileTracker tracker;

  RefExpansion(LogicCompiler compiler, CompileTracker tracker) {
    this.compiler = compiler;
    this.tracker = tracker;
  }

  Expr ref(JsonNode value, String path, boolean result, boolean iterating) {
    if (value == null || !value.isTextual()) {
      throw tracker.error(path, "$ref must be the name of an evaluator, a string");
    }
    String name = value.textValue().trim();
    CompileScope scope = tracker.scope();
    SharedEvaluators shared = scope.evaluators();
    JsonNode target = shared.rule(name);
    if (target == null) {
      throw tracker.error(path, "$ref to an unknown evaluator '" + name + "'");
    }
    if (tracker.refs.contains(name)) {
      throw tracker.error(path, "$ref cycle: " + tracker.chain(name));
    }
    SharedEvaluators.Key key = new SharedEvaluators.Key(name, result, iterating, scope.strict(), scope.hashing());
    SharedEvaluators.Compiled known = shared.get(key);
    if (known != null) {
      return reuse(known, path);
    }
    String evaluatorPath = CompileTracker.child(CompileTracker.child("$", "$evaluators"), name);
    int depthAtRef = tracker.depth;
    int deepestBefore = tracker.deepest;
    long nodesBefore = tracker.nodes;
    tracker.deepest = tracker.depth;
    tracker.refs.push(name);
    try {
      Expr expr = compiler.compile(target, evaluatorPath, result, iterating);
      shared.put(key, new SharedEvaluators.Compiled(expr, tracker.nodes - nodesBefore, tracker.deepest - depthAtRef,
          null));
      return expr;
    } catch (FlagDefinitionException e) {
      if (!tracker.limitReached) {
        shared.put(key, new SharedEvaluators.Compiled(null, 0, 0, e));
      }
      throw through(e, path, tracker.refs.size() == 1);
    } finally {
      tracker.refs.pop();
      tracker.deepest = Math.max(tracker.deepest, deepestBefore);
    }
  }

  /** An evaluator compiled before: its tree, counted in this rule's limits as if it were compiled here. */
  private Expr reuse(SharedEvaluators.Compiled known, String path) {
    if (known.failure() != null) {
      FlagDefinitionException e = known.failure();
      CompileScope scope = tracker.scope();
      throw through(new FlagDefinitionException(scope.source(), scope.flagKey(), e.jsonPath(), e.detail(),
          e.getCause()), path, tracker.refs.isEmpty());
    }
    if (tracker.depth + known.height() > Limits.MAX_DEPTH) {
      throw tracker.limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH
          + " levels (counting the $refs followed)");
    }
    tracker.deepest = Math.max(tracker.deepest, tracker.depth + known.height());
    tracker.countNodes(path, known.size());
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

  /** Follows {@code $ref}s to the node they stand for, without compiling, so that its shape can be checked. */
  JsonNode deref(JsonNode node, String path) {
    JsonNode current = node;
    List<String> seen = new ArrayList<>();
    while (current != null && current.isObject() && current.size() == 1 && current.has("$ref")) {
      if (seen.size() + tracker.depth >= Limits.MAX_DEPTH) {
        throw tracker.limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH
            + " levels (counting the $refs followed)");
      }
      JsonNode name = current.get("$ref");
      if (!name.isTextual()) {
        throw tracker.error(CompileTracker.child(path, "$ref"), "$ref must be the name of an evaluator, a string");
      }
      String key = name.textValue().trim();
      if (seen.contains(key) || tracker.refs.contains(key)) {
        seen.add(key);
        throw tracker.error(CompileTracker.child(path, "$ref"), "$ref cycle: " + String.join(" -> ", seen));
      }
      seen.add(key);
      JsonNode target = tracker.scope().evaluators().rule(key);
      if (target == null) {
        throw tracker.error(CompileTracker.child(path, "$ref"), "$ref to an unknown evaluator '" + key + "'");
      }
      current = target;
    }
    return current;
  }
}
