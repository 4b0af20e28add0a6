package dev.progressive.toggles.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.InvalidTargeting;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.definition.FlagDefinition;
import dev.progressive.toggles.internal.definition.FlagSetDocument;
import dev.progressive.toggles.internal.logic.CompileScope;
import dev.progressive.toggles.internal.logic.Expr;
import dev.progressive.toggles.internal.logic.LogicCompiler;
import dev.progressive.toggles.internal.logic.SharedEvaluators;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles validated documents into {@link CompiledFlag}s. The same compiler serves every source and the store, so a
 * definition is accepted or refused the same way wherever it comes from.
 */
@SuppressWarnings("removal")
public final class FlagCompiler {

  private final FractionalHashing hashing;
  private final EvaluationMeters meters;
  private final boolean strict;
  private final boolean brokenTargetingApplies;
  /** The evaluators of the document compiled last, so that its flags share each compiled evaluator. */
  private volatile Evaluators lastEvaluators;

  /**
   * @param hashing the bucketing of {@code fractional}
   * @param meters the meters, or null
   * @param strict whether a rule that can only answer null (an unknown {@code sem_ver} operator, a constant that is
   *     not a version, a negative weight) is refused; when false it compiles to flagd's answer, with a warning
   * @param brokenTargetingApplies whether a flag whose targeting cannot be compiled is still compiled, answering
   *     PARSE_ERROR on every evaluation, as flagd does; when false its {@link FlagDefinitionException} is thrown
   */
  public FlagCompiler(FractionalHashing hashing, EvaluationMeters meters, boolean strict,
      boolean brokenTargetingApplies) {
    this.hashing = hashing;
    this.meters = meters;
    this.strict = strict;
    this.brokenTargetingApplies = brokenTargetingApplies;
  }

  /** The compiler of a (deprecated) {@link InvalidTargeting} setting. */
  @SuppressWarnings("removal")
  public FlagCompiler(FractionalHashing hashing, EvaluationMeters meters, InvalidTargeting invalidTargeting) {
    this(hashing, meters, invalidTargeting == InvalidTargeting.REFUSE_SOURCE,
        invalidTargeting == InvalidTargeting.AS_FLAGD);
  }

  /** Compiles every flag of a document; the first error refuses the whole document. */
  public Map<String, CompiledFlag> compile(FlagSetDocument document) {
    Map<String, CompiledFlag> out = new LinkedHashMap<>();
    startDocument(document.evaluators());
    for (FlagDefinition flag : document.flags().values()) {
      out.put(flag.key(), compile(flag, document.metadata(), document.evaluators()));
    }
    return out;
  }

  /**
   * Starts the compilation of a document's flags: a fresh set of compiled evaluators, and so a fresh folding budget,
   * for each document, even when two documents' evaluators are the same (empty) map.
   */
  public void startDocument(Map<String, JsonNode> evaluators) {
    lastEvaluators = new Evaluators(evaluators, SharedEvaluators.of(evaluators));
  }

  /** The outcome of a flag that could not be compiled and has no good definition: PARSE_ERROR with the reason. */
  public EvaluationOutcome broken(String key, String message) {
    return EvaluationOutcome.error(key, dev.progressive.toggles.ErrorCode.PARSE_ERROR, message, Map.of(), meters);
  }

  /** Compiles one flag with its set's metadata and shared evaluators. */
  public CompiledFlag compile(FlagDefinition flag, Map<String, Object> setMetadata, Map<String, JsonNode> evaluators) {
    Expr targeting = null;
    String parseError = null;
    if (flag.targeting() != null) {
      try {
        targeting = LogicCompiler.compile(flag.targeting(),
            new CompileScope(flag.origin(), flag.key(), "$.flags." + flag.key() + ".targeting", shared(evaluators),
                hashing, strict));
      } catch (FlagDefinitionException e) {
        if (!brokenTargetingApplies) {
          throw e;
        }
        parseError = e.getMessage();
      }
    }
    Map<String, Object> metadata = new LinkedHashMap<>(setMetadata);
    metadata.putAll(flag.metadata());
    // A flag's behaviour depends on its own definition, the set's metadata and the shared evaluators it may use.
    Object fingerprint = List.of(flag.json(), setMetadata, flag.targeting() == null ? Map.of() : evaluators);
    return new CompiledFlag(flag, targeting, metadata, fingerprint, meters, parseError, setMetadata, evaluators);
  }

  /** The compiled evaluators of a document's evaluators, the same for every flag of that document. */
  private SharedEvaluators shared(Map<String, JsonNode> evaluators) {
    Evaluators last = lastEvaluators;
    if (last == null || last.rules != evaluators) {
      last = new Evaluators(evaluators, SharedEvaluators.of(evaluators));
      lastEvaluators = last;
    }
    return last.compiled;
  }

  private record Evaluators(Map<String, JsonNode> rules, SharedEvaluators compiled) {}
}
