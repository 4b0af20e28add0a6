package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of DESIGN.md for flags: {@code progressive.toggle.evaluations} and {@code progressive.toggle.changes}.
 * Tags follow OpenTelemetry's feature-flag names. Targeting keys and user ids are never tags.
 */
public final class EvaluationMeters {

  /** The variant tag's value when the caller's default was returned. */
  public static final String NO_VARIANT = "none";

  private final MeterRegistry registry;
  /** Where the evaluations are counted, per thread: see {@link ThreadOwnedCounts}. */
  private final ThreadOwnedCounts counts = new ThreadOwnedCounts();
  /**
   * One counter per meter id, shared by the outcomes of every snapshot: the registry keeps the first function counter
   * registered for an id, so a new counter per snapshot would count into nothing.
   */
  private final Map<String, ThreadOwnedCounts.Counter> counters = new ConcurrentHashMap<>();

  public EvaluationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The count of {@code progressive.toggle.evaluations} for one flag, variant and reason. It is a
   * {@link FunctionCounter} over a {@link ThreadOwnedCounts} counter: exact, and incremented with a plain write to a
   * row of the calling thread's own instead of an atomic instruction, which is most of the cost of a static flag.
   */
  ThreadOwnedCounts.Counter evaluations(String flagKey, String variant, Reason reason) {
    String variantTag = variant == null ? NO_VARIANT : variant;
    String reasonTag = reason.name().toLowerCase(Locale.ROOT);
    return counters.computeIfAbsent(flagKey + '\u0000' + variantTag + '\u0000' + reasonTag, id -> {
      ThreadOwnedCounts.Counter counter = counts.newCounter();
      FunctionCounter.builder("progressive.toggle.evaluations", counter, ThreadOwnedCounts.Counter::doubleValue)
          .description("Flag evaluations, by flag, variant and reason")
          .tag("feature_flag.key", flagKey)
          .tag("feature_flag.result.variant", variantTag)
          .tag("feature_flag.result.reason", reasonTag)
          .register(registry);
      return counter;
    });
  }

  /** Counts one change of a flag; origin is {@code source} or {@code store}. */
  public void changed(String flagKey, String origin) {
    Counter.builder("progressive.toggle.changes")
        .description("Changes of flag definitions, by flag and where the change came from")
        .tag("feature_flag.key", flagKey)
        .tag("origin", origin)
        .register(registry)
        .increment();
  }
}
