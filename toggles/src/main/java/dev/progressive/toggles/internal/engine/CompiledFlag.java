package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.internal.definition.FlagDefinition;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.logic.Expr;
import dev.progressive.toggles.internal.logic.KeyedSplit;
import dev.progressive.toggles.internal.logic.RootData;
import dev.progressive.toggles.internal.logic.Split;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A flag ready to evaluate: its targeting compiled into an {@link Expr} tree and every outcome built in advance.
 * Immutable and thread-safe.
 */
public final class CompiledFlag {

  private final FlagDefinition definition;
  /**
   * The key, interned: a caller's literal or constant key is the same instance, so the snapshot's lookup finds it
   * without comparing characters.
   */
  private final String key;
  private final Expr targeting;
  private final Map<String, Object> metadata;
  private final Object fingerprint;
  private final EvaluationOutcome disabled;
  private final EvaluationOutcome noTargeting;
  private final EvaluationOutcome noMatch;
  private final Map<String, EvaluationOutcome> matches;
  private final Map<String, EvaluationOutcome> splits;
  private final EnumMap<VariantType, EvaluationOutcome> mismatches = new EnumMap<>(VariantType.class);
  /**
   * By the wanted type's ordinal, the outcome that does not depend on the context (TYPE_MISMATCH, disabled, parse
   * error, no targeting), or null when the targeting must run: one array read on the path of a static flag.
   */
  private final EvaluationOutcome[] withoutContext = new EvaluationOutcome[VariantType.values().length];
  /** The type of the flag's variants, and its entry of {@link #withoutContext}: a static flag read as its own type. */
  private final VariantType ownType;
  private final EvaluationOutcome ownWithoutContext;
  private final EvaluationMeters meters;
  private final EvaluationOutcome parseError;
  private final Map<String, Object> setMetadata;
  private final Map<String, com.fasterxml.jackson.databind.JsonNode> evaluators;
  /** The targeting when it is a plain percentage rollout on the targeting key, else null. */
  private final KeyedSplit split;
  /** With {@link #split}: the outcome of each bucket, built here so that a rollout looks nothing up per call. */
  private final EvaluationOutcome[] splitOutcomes;

  /**
   * @param definition the validated definition
   * @param targeting the compiled targeting, or null when the flag has none
   * @param metadata the flag's metadata with the set's merged under it
   * @param fingerprint what decides whether the flag changed between two snapshots: equal fingerprints mean the
   *     same behaviour
   * @param meters the meters, or null to count nothing
   * @param parseError why the targeting could not be compiled, or null; when set, every evaluation of the enabled
   *     flag is a PARSE_ERROR with this message
   * @param setMetadata the metadata of the flag's set, kept to compile overrides of the flag the same way
   * @param evaluators the shared rules of the flag's set, likewise
   */
  public CompiledFlag(FlagDefinition definition, Expr targeting, Map<String, Object> metadata, Object fingerprint,
      EvaluationMeters meters, String parseError, Map<String, Object> setMetadata,
      Map<String, com.fasterxml.jackson.databind.JsonNode> evaluators) {
    this.definition = definition;
    this.targeting = targeting;
    this.metadata = Map.copyOf(metadata);
    this.fingerprint = fingerprint;
    this.meters = meters;
    this.setMetadata = setMetadata;
    this.evaluators = evaluators;
    this.key = definition.key().intern();
    this.parseError = parseError == null ? null
        : EvaluationOutcome.error(key, ErrorCode.PARSE_ERROR, parseError, this.metadata, meters);
    this.disabled = EvaluationOutcome.codeDefault(key, Reason.DISABLED, this.metadata, meters);
    String dv = definition.defaultVariant();
    this.noTargeting = dv == null ? EvaluationOutcome.codeDefault(key, Reason.DEFAULT, this.metadata, meters)
        : EvaluationOutcome.variant(key, dv, definition.variants().get(dv), Reason.STATIC, this.metadata, meters);
    this.noMatch = dv == null ? EvaluationOutcome.codeDefault(key, Reason.DEFAULT, this.metadata, meters)
        : EvaluationOutcome.variant(key, dv, definition.variants().get(dv), Reason.DEFAULT, this.metadata, meters);
    this.matches = new HashMap<>();
    this.splits = new HashMap<>();
    for (Map.Entry<String, Object> v : definition.variants().entrySet()) {
      matches.put(v.getKey(),
          EvaluationOutcome.variant(key, v.getKey(), v.getValue(), Reason.TARGETING_MATCH, this.metadata, meters));
      splits.put(v.getKey(), EvaluationOutcome.variant(key, v.getKey(), v.getValue(), Reason.SPLIT, this.metadata, meters));
    }
    for (VariantType wanted : VariantType.values()) {
      if (!accepts(wanted)) {
        mismatches.put(wanted, EvaluationOutcome.error(key, ErrorCode.TYPE_MISMATCH, "flag '" + key + "' has "
            + definition.variantType().label() + " variants, not " + wanted.label(), this.metadata, meters));
      }
    }
    for (VariantType wanted : VariantType.values()) {
      withoutContext[wanted.ordinal()] = !accepts(wanted) ? mismatches.get(wanted)
          : readsContext() ? null : resolve(null);
    }
    this.ownType = definition.variantType();
    this.ownWithoutContext = withoutContext[ownType.ordinal()];
    this.split = readsContext() ? targeting.keyedSplit() : null;
    this.splitOutcomes = split == null ? null : new EvaluationOutcome[split.buckets()];
    for (int i = 0; split != null && i < splitOutcomes.length; i++) {
      splitOutcomes[i] = outcomeOf(split.answer(i));
    }
  }

  public String key() {
    return key;
  }

  public FlagDefinition definition() {
    return definition;
  }

  /** The flag's metadata with the set's merged under it. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** The metadata of the set the flag came from. */
  public Map<String, Object> setMetadata() {
    return setMetadata;
  }

  /** The shared rules of the set the flag came from. */
  public Map<String, com.fasterxml.jackson.databind.JsonNode> evaluators() {
    return evaluators;
  }

  /** Why the targeting could not be compiled, or null when it was. */
  public String parseError() {
    return parseError == null ? null : parseError.errorMessage();
  }

  Object fingerprint() {
    return fingerprint;
  }

  /** Whether a value of the wanted type can be read from this flag. Whole numbers can be read as floats. */
  public boolean accepts(VariantType wanted) {
    VariantType has = definition.variantType();
    return has == wanted || (wanted == VariantType.FLOAT && has == VariantType.INTEGER);
  }

  /**
   * The outcome of an evaluation as the wanted type when it does not depend on the context: TYPE_MISMATCH when
   * {@link #accepts} refuses the type, else the outcome of {@link #resolve} when {@link #readsContext()} is false;
   * null when the targeting must run.
   */
  public EvaluationOutcome withoutContext(VariantType wanted) {
    return wanted == ownType ? ownWithoutContext : withoutContext[wanted.ordinal()];
  }

  /**
   * Whether an evaluation reads the context: only an enabled flag with compiled targeting does. The others resolve
   * without any evaluation data.
   */
  public boolean readsContext() {
    return definition.enabled() && targeting != null && parseError == null;
  }

  /**
   * Evaluates the flag. Never throws; allocates nothing on its usual paths.
   *
   * @param data what targeting reads; may be null when {@link #readsContext()} is false
   */
  public EvaluationOutcome resolve(RootData data) {
    if (!definition.enabled()) {
      return disabled;
    }
    if (parseError != null) {
      return parseError;
    }
    Expr rule = targeting;
    if (rule == null) {
      return noTargeting;
    }
    try {
      return outcomeOf(rule.eval(data));
    } catch (StackOverflowError e) {
      return failed(e);
    } catch (VirtualMachineError e) {
      throw e; // out of memory and the like: the JVM cannot go on
    } catch (Throwable e) {
      // anything else that a hostile context (an attribute whose methods throw) or rule can cause
      return failed(e);
    }
  }

  /**
   * Whether the targeting is a plain percentage rollout on the targeting key: then {@link #resolveByTargetingKey}
   * answers as {@link #resolve} would, without any evaluation data.
   */
  public boolean splitsByTargetingKey() {
    return split != null;
  }

  /**
   * The outcome for a targeting key (may be null), when {@link #splitsByTargetingKey()}: the same outcome that
   * {@link #resolve} gives for data with that key. One hash and one array read; allocates nothing.
   *
   * @throws IllegalStateException when the flag's targeting reads more than the targeting key
   */
  public EvaluationOutcome resolveByTargetingKey(String targetingKey) {
    if (split == null) {
      throw new IllegalStateException("flag '" + key() + "' does not split by the targeting key alone");
    }
    int bucket = split.bucketOf(targetingKey);
    return bucket < 0 ? noMatch : splitOutcomes[bucket];
  }

  /** The outcome of the targeting's answer. */
  private EvaluationOutcome outcomeOf(Object answer) {
    Object result = answer;
    Map<String, EvaluationOutcome> table = matches;
    if (result instanceof Split split) {
      table = splits;
      result = split.value();
    }
    if (result == null) {
      return noMatch;
    }
    String variant;
    if (result instanceof String s) {
      variant = s;
    } else if (result instanceof Boolean b) {
      variant = b ? "true" : "false";
    } else if (result instanceof Number n) {
      double d = n.doubleValue();
      variant = d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    } else {
      return EvaluationOutcome.error(key(), ErrorCode.GENERAL, "flag '" + key() + "': targeting returned "
          + ErrorMessages.describe(result) + ", not a variant name", metadata, meters);
    }
    EvaluationOutcome outcome = table.get(variant);
    if (outcome == null) {
      return EvaluationOutcome.error(key(), ErrorCode.GENERAL, "flag '" + key() + "': targeting chose variant '"
          + ErrorMessages.truncate(variant) + "', which is not one of "
          + ErrorMessages.truncate(String.valueOf(definition.variants().keySet())), metadata, meters);
    }
    return outcome;
  }

  /** The error outcome of a targeting that threw; builds its message without ever throwing. */
  private EvaluationOutcome failed(Throwable e) {
    return EvaluationOutcome.error(key(), ErrorCode.GENERAL, "flag '" + key() + "': targeting failed: "
        + ErrorMessages.describe(e), metadata, meters);
  }
}
