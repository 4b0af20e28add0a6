package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.bucketing.FractionalHashing;
import java.util.Map;
import java.util.Objects;

/**
 * What the compiler needs to know about the flag whose targeting it compiles.
 *
 * @param source the definition's source, for error messages (a file name, a URL, "in-memory")
 * @param flagKey the flag whose targeting this is; {@code $flagd.flagKey} compiles to it, and {@code fractional}
 *     buckets by it when no bucket key is given
 * @param path the JSON path of the rule, e.g. {@code $.flags.my-flag.targeting}; errors extend it
 * @param evaluators the set's {@code $evaluators}, for {@code {"$ref": "name"}}; share one instance among the flags
 *     of a document so that each evaluator is compiled once
 * @param hashing the bucketing of {@code fractional}
 * @param strict whether a rule that can only fail at run time (a negative weight, a wrong number of arguments, an
 *     unknown {@code sem_ver} operator, a constant that is not a version) is refused; when false it compiles to
 *     flagd's answer for it (a weight of 0, or null), with a warning
 */
public record CompileScope(String source, String flagKey, String path, SharedEvaluators evaluators,
    FractionalHashing hashing, boolean strict) {

  /** A scope with the evaluators of its own (compiled for this flag only). */
  public CompileScope(String source, String flagKey, String path, Map<String, JsonNode> evaluators,
      FractionalHashing hashing, boolean strict) {
    this(source, flagKey, path, SharedEvaluators.of(evaluators), hashing, strict);
  }

  /** A lenient scope, compiling as flagd does. */
  public CompileScope(String source, String flagKey, String path, Map<String, JsonNode> evaluators,
      FractionalHashing hashing) {
    this(source, flagKey, path, SharedEvaluators.of(evaluators), hashing, false);
  }

  public CompileScope {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(evaluators, "evaluators");
    Objects.requireNonNull(hashing, "hashing");
  }
}
