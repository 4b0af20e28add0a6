package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.bucketing.FractionalHashing;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code $evaluators} of one document, and each of them compiled once and shared by every flag and every
 * {@code $ref} that uses it. Thread-safe.
 *
 * <p>An evaluator compiles to one tree per way it is used (in result position or not, inside an iteration or not);
 * nothing in that tree depends on the flag that uses it ({@code $flagd.flagKey} and {@code fractional} read the flag
 * key at evaluation time). Its size and depth are kept with it, so that each use still counts against the
 * {@link Limits} of the flag's rule.
 */
public final class SharedEvaluators {

  private final Map<String, JsonNode> rules;
  private final Map<Key, Compiled> compiled = new ConcurrentHashMap<>();
  /** What is left of {@link Limits#MAX_DOCUMENT_WORK} for folding the constants of the document's rules. */
  private final AtomicLong foldingWork = new AtomicLong(Limits.MAX_DOCUMENT_WORK);

  private SharedEvaluators(Map<String, JsonNode> rules) {
    this.rules = rules;
  }

  /**
   * The evaluators of a document; the map is copied once. Make one per document: it also holds the document's
   * budget for folding constants.
   */
  public static SharedEvaluators of(Map<String, JsonNode> rules) {
    return new SharedEvaluators(Map.copyOf(rules));
  }

  /** The rules by name, as written. */
  public Map<String, JsonNode> rules() {
    return rules;
  }

  JsonNode rule(String name) {
    return rules.get(name);
  }

  Compiled get(Key key) {
    return compiled.get(key);
  }

  void put(Key key, Compiled value) {
    compiled.putIfAbsent(key, value);
  }

  /** The folding work a rule of this document may still do. */
  long foldingWorkLeft() {
    return Math.max(0, foldingWork.get());
  }

  /** Takes the folding work a rule did from the document's budget. */
  void foldingWorkDone(long work) {
    foldingWork.addAndGet(-work);
  }

  /** One way of compiling an evaluator. */
  record Key(String name, boolean result, boolean iterating, boolean strict, FractionalHashing hashing) {}

  /**
   * An evaluator compiled: its tree, its size and depth once expanded, or why it cannot be compiled (whatever flag
   * uses it).
   */
  record Compiled(Expr expr, long size, int height, FlagDefinitionException failure) {
    Compiled {
      Objects.requireNonNull(failure == null ? expr : failure);
    }
  }
}
