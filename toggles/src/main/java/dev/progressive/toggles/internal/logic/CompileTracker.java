package dev.progressive.toggles.internal.logic;

import dev.progressive.toggles.FlagDefinitionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one compilation is and what it has spent: the nesting depth and node count against {@link Limits}, the
 * {@code $ref}s being followed, and the errors and warnings that name the source, the flag and the JSON path.
 */
final class CompileTracker {

  private static final Logger LOG = LoggerFactory.getLogger(LogicCompiler.class);
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  private final CompileScope scope;
  /** The $refs being followed, innermost first. */
  final Deque<String> refs = new ArrayDeque<>();
  /** The nesting of the node being compiled, $refs followed included: bounded by {@link Limits#MAX_DEPTH}. */
  int depth;
  /** The deepest nesting reached so far, to know the height of an evaluator. */
  int deepest;
  /** The nodes of the rule so far, every $ref expanded: bounded by {@link Limits#MAX_RULE_NODES}. */
  long nodes;
  /** Whether the error being thrown is a limit, which depends on where an evaluator is used and so is not cached. */
  boolean limitReached;

  CompileTracker(CompileScope scope) {
    this.scope = scope;
  }

  CompileScope scope() {
    return scope;
  }

  /** Enters one node: refused past the depth or node bounds. Followed by {@link #leave()}. */
  void enter(String path) {
    if (depth >= Limits.MAX_DEPTH) {
      throw limit(path, "the rule is nested deeper than " + Limits.MAX_DEPTH + " levels (counting the $refs followed)"
          + (refs.isEmpty() ? "" : " through the $ref chain " + chain(null)));
    }
    countNodes(path, 1);
    depth++;
    if (depth > deepest) {
      deepest = depth;
    }
  }

  void leave() {
    depth--;
  }

  void countNodes(String path, long more) {
    nodes += more;
    if (nodes > Limits.MAX_RULE_NODES) {
      throw limit(path, "the rule has more than " + Limits.MAX_RULE_NODES
          + " nodes once its $refs are expanded; each use of an evaluator counts its whole size");
    }
  }

  /** The $refs being followed, outermost first, and then {@code next} when not null; long chains shortened. */
  String chain(String next) {
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

  /** Whether the node being compiled is in the flag's own rule rather than inside an evaluator. */
  boolean inOwnRule() {
    return refs.isEmpty();
  }

  FlagDefinitionException error(String path, String detail) {
    return error(path, detail, null);
  }

  FlagDefinitionException error(String path, String detail, Throwable cause) {
    return new FlagDefinitionException(scope.source(), scope.flagKey(), path, detail, cause);
  }

  /** A bound of {@link Limits} was reached: refused, and not cached as the evaluator's own failure. */
  FlagDefinitionException limit(String path, String detail) {
    limitReached = true;
    return error(path, detail);
  }

  /** A rule flagd accepts but that always answers null: refused in a strict scope, a warning otherwise. */
  void warn(String path, String detail) {
    if (scope.strict()) {
      throw error(path, detail + "; it would always answer null");
    }
    LOG.warn("{}: flag '{}': {}: {}; it always answers null", scope.source(), scope.flagKey(), path, detail);
  }

  /** A warning of a rule that compiles to flagd's answer; never refused. */
  void note(String format, Object... args) {
    LOG.warn(format, args);
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
}
