package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.internal.definition.VariantType;
import java.time.Clock;
import java.util.Map;

/**
 * Evaluates flags against the current snapshot: one volatile read, no lock, no I/O. Shared by the native API and the
 * OpenFeature provider, so both give the same answers.
 */
public final class Engine {

  /** The answer to a null key. Not counted: a meter's tag cannot be null. */
  private static final EvaluationOutcome NULL_KEY = EvaluationOutcome.error(null, ErrorCode.FLAG_NOT_FOUND,
      "the flag key is null", Map.of(), null);

  private final ThreadLocal<TargetingData> data;
  private final EvaluationMeters meters;
  /** Asked before each evaluation; null (production) costs one branch. */
  private final LayeredValues layer;
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  /**
   * The map of {@link #snapshot}, read directly on the evaluation path (one reference fewer to follow). Written after
   * the snapshot, so a reader that sees a map sees its snapshot or a newer one.
   */
  private volatile java.util.HashMap<String, CompiledFlag> flags = Snapshot.EMPTY.lookup();

  public Engine(Clock clock, EvaluationMeters meters) {
    this(clock, meters, null);
  }

  /**
   * An engine whose evaluations ask a layer of values first.
   *
   * @param layer the layer, or null for none
   */
  public Engine(Clock clock, EvaluationMeters meters, FlagValueLayer layer) {
    this.data = ThreadLocal.withInitial(() -> new TargetingData(clock));
    this.meters = meters;
    this.layer = layer == null ? null : new LayeredValues(layer);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Swaps in a new snapshot. Callers serialise their swaps. */
  public void swap(Snapshot next) {
    this.snapshot = next;
    this.flags = next.lookup();
  }

  /** Resolves and counts a flag for a native context. */
  public EvaluationOutcome evaluate(String key, VariantType wanted, EvaluationContext context) {
    if (key == null) {
      return NULL_KEY;
    }
    if (layer != null) {
      EvaluationOutcome layered = layer.answer(key, wanted);
      if (layered != null) {
        return layered;
      }
    }
    CompiledFlag flag = flags.get(key);
    EvaluationOutcome outcome = flag != null ? flag.withoutContext(wanted) : missing(key);
    if (outcome == null) {
      outcome = resolve(key, flag, context == null ? EvaluationContext.empty() : context);
    }
    outcome.record();
    return outcome;
  }

  /** Resolves and counts a flag for an OpenFeature context. */
  public EvaluationOutcome evaluate(String key, VariantType wanted, dev.openfeature.sdk.EvaluationContext context) {
    if (key == null) {
      return NULL_KEY;
    }
    if (layer != null) {
      EvaluationOutcome layered = layer.answer(key, wanted);
      if (layered != null) {
        return layered;
      }
    }
    CompiledFlag flag = flags.get(key);
    EvaluationOutcome outcome = flag != null ? flag.withoutContext(wanted) : missing(key);
    if (outcome == null) {
      outcome = flag.splitsByTargetingKey() ? bySplit(flag, context) : null;
      if (outcome == null) {
        outcome = resolve(flag, data.get().bind(key, context));
      }
    }
    outcome.record();
    return outcome;
  }

  /**
   * Resolves and counts a flag for a native context, as the type its variants have: the flags are read once, so
   * a flag whose type changes meanwhile is never read as the wrong type.
   */
  public EvaluationOutcome evaluateAsDefined(String key, EvaluationContext context) {
    if (key == null) {
      return NULL_KEY;
    }
    CompiledFlag flag = flags.get(key);
    VariantType type = flag == null ? VariantType.OBJECT : flag.definition().variantType();
    if (layer != null) {
      EvaluationOutcome layered = layer.answer(key, flag == null ? VariantType.STRING : type);
      if (layered != null) {
        return layered;
      }
    }
    EvaluationOutcome outcome = flag != null ? flag.withoutContext(type) : missing(key);
    if (outcome == null) {
      outcome = resolve(key, flag, context == null ? EvaluationContext.empty() : context);
    }
    outcome.record();
    return outcome;
  }

  /** The answer for a key that no flag in force has: PARSE_ERROR when its definition is broken, else not found. */
  private EvaluationOutcome missing(String key) {
    EvaluationOutcome broken = snapshot.broken(key);
    return broken != null ? broken : notFound(key);
  }

  /**
   * Runs a flag's targeting for a native context. A plain percentage rollout needs only the targeting key, so it
   * skips the thread's evaluation data.
   */
  private EvaluationOutcome resolve(String key, CompiledFlag flag, EvaluationContext context) {
    return flag.splitsByTargetingKey() ? flag.resolveByTargetingKey(context.targetingKey())
        : resolve(flag, data.get().bind(key, context));
  }

  private static EvaluationOutcome resolve(CompiledFlag flag, TargetingData data) {
    try {
      return flag.resolve(data);
    } finally {
      data.clear();
    }
  }

  /**
   * A rollout's outcome for an OpenFeature context, or null when reading its targeting key threw: then the full
   * resolution runs, which turns what the context throws into an error outcome, as for any other flag.
   */
  private static EvaluationOutcome bySplit(CompiledFlag flag, dev.openfeature.sdk.EvaluationContext context) {
    String key;
    try {
      key = context == null ? null : context.getTargetingKey();
    } catch (StackOverflowError e) {
      return null;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      return null; // a hostile context: answered below, by the path that reports it
    }
    return flag.resolveByTargetingKey(key == null || key.isEmpty() ? null : key);
  }

  private EvaluationOutcome notFound(String key) {
    return EvaluationOutcome.error(key, ErrorCode.FLAG_NOT_FOUND, "flag '" + key + "' not found", Map.of(), meters);
  }
}
