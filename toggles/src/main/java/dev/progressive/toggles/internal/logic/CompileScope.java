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
 * @param evaluators the set's {@code $evaluators}, by name, for {@code {"$ref": "name"}}
 * @param hashing the bucketing of {@code fractional}
 * @param strict whether a rule that can only fail at run time (a negative weight, a wrong number of arguments, an
 *     unknown {@code sem_ver} operator, a constant that is not a version) is refused; when false it compiles to
 *     flagd's answer for it (a weight of 0, or null), with a warning
 */
public record CompileScope(String source, String flagKey, String path, Map<String, JsonNode> evaluators,
    FractionalHashing hashing, boolean strict) {

  /** A lenient scope, compiling as flagd does. */
  public CompileScope(String source, String flagKey, String path, Map<String, JsonNode> evaluators,
      FractionalHashing hashing) {
    this(source, flagKey, path, evaluators, hashing, false);
  }

  public CompileScope {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(path, "path");
    evaluators = Map.copyOf(evaluators);
    Objects.requireNonNull(hashing, "hashing");
  }
}
