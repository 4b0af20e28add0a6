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
public final class FlagCompiler {

  private final FractionalHashing hashing;
  private final EvaluationMeters meters;
  private final InvalidTargeting invalidTargeting;
  /** The evaluators of the document compiled last, so that its flags share each compiled evaluator. */
  private volatile Evaluators lastEvaluators;

  public FlagCompiler(FractionalHashing hashing, EvaluationMeters meters, InvalidTargeting invalidTargeting) {
    this.hashing = hashing;
    this.meters = meters;
    this.invalidTargeting = invalidTargeting;
  }

  /** Compiles every flag of a document; the first error refuses the whole document. */
  public Map<String, CompiledFlag> compile(FlagSetDocument document) {
    Map<String, CompiledFlag> out = new LinkedHashMap<>();
    // A fresh set of compiled evaluators, and so a fresh folding budget, for each document.
    lastEvaluators = new Evaluators(document.evaluators(), SharedEvaluators.of(document.evaluators()));
    for (FlagDefinition flag : document.flags().values()) {
      out.put(flag.key(), compile(flag, document.metadata(), document.evaluators()));
    }
    return out;
  }

  /** Compiles one flag with its set's metadata and shared evaluators. */
  public CompiledFlag compile(FlagDefinition flag, Map<String, Object> setMetadata, Map<String, JsonNode> evaluators) {
    Expr targeting = null;
    String parseError = null;
    if (flag.targeting() != null) {
      try {
        targeting = LogicCompiler.compile(flag.targeting(),
            new CompileScope(flag.origin(), flag.key(), "$.flags." + flag.key() + ".targeting", shared(evaluators), hashing,
                invalidTargeting == InvalidTargeting.REFUSE_SOURCE));
      } catch (FlagDefinitionException e) {
        if (invalidTargeting == InvalidTargeting.REFUSE_SOURCE) {
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
