package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.internal.definition.VariantType;
import java.time.Clock;
import java.util.Map;

/**
 * Evaluates flags against the current snapshot: one volatile read, no lock, no I/O. Shared by the native API and the
 * OpenFeature provider, so both give the same answers.
 */
public final class Engine {

  private final ThreadLocal<EvalData> data;
  private final EvaluationMeters meters;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  public Engine(Clock clock, EvaluationMeters meters) {
    this.data = ThreadLocal.withInitial(() -> new EvalData(clock));
    this.meters = meters;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Swaps in a new snapshot. Callers serialise their swaps. */
  public void swap(Snapshot next) {
    this.snapshot = next;
  }

  /** Resolves and counts a flag for a native context. */
  public Outcome evaluate(String key, VariantType wanted, EvaluationContext context) {
    CompiledFlag flag = snapshot.get(key);
    Outcome outcome;
    if (flag == null) {
      outcome = notFound(key);
    } else if (!flag.accepts(wanted)) {
      outcome = flag.mismatch(wanted);
    } else if (!flag.readsContext()) {
      outcome = flag.resolve(null);
    } else {
      EvalData d = data.get().bind(key, context == null ? EvaluationContext.empty() : context);
      try {
        outcome = flag.resolve(d);
      } finally {
        d.clear();
      }
    }
    outcome.record();
    return outcome;
  }

  /** Resolves and counts a flag for an OpenFeature context. */
  public Outcome evaluate(String key, VariantType wanted, dev.openfeature.sdk.EvaluationContext context) {
    CompiledFlag flag = snapshot.get(key);
    Outcome outcome;
    if (flag == null) {
      outcome = notFound(key);
    } else if (!flag.accepts(wanted)) {
      outcome = flag.mismatch(wanted);
    } else if (!flag.readsContext()) {
      outcome = flag.resolve(null);
    } else {
      EvalData d = data.get().bind(key, context);
      try {
        outcome = flag.resolve(d);
      } finally {
        d.clear();
      }
    }
    outcome.record();
    return outcome;
  }

  private Outcome notFound(String key) {
    return Outcome.error(key, ErrorCode.FLAG_NOT_FOUND, "flag '" + key + "' not found", Map.of(), meters);
  }
}
