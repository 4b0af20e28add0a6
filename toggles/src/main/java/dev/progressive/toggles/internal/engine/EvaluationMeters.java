package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of DESIGN.md for flags: {@code progressive.toggle.evaluations} and {@code progressive.toggle.changes}.
 * Tags follow OpenTelemetry's feature-flag names. Targeting keys and user ids are never tags.
 */
public final class EvaluationMeters {

  /** The variant tag's value when the caller's default was returned. */
  public static final String NO_VARIANT = "none";

  private final MeterRegistry registry;
  /**
   * One adder per meter id, shared by the outcomes of every snapshot: the registry keeps the first function counter
   * registered for an id, so a new adder per snapshot would count into nothing.
   */
  private final Map<String, LongAdder> adders = new ConcurrentHashMap<>();

  public EvaluationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The count of {@code progressive.toggle.evaluations} for one flag, variant and reason. It is a
   * {@link FunctionCounter} over a {@link LongAdder}: incrementing it costs about half of a {@link Counter}'s
   * increment, which matters on a path of a few nanoseconds.
   */
  LongAdder evaluations(String flagKey, String variant, Reason reason) {
    String variantTag = variant == null ? NO_VARIANT : variant;
    String reasonTag = reason.name().toLowerCase(Locale.ROOT);
    return adders.computeIfAbsent(flagKey + '\u0000' + variantTag + '\u0000' + reasonTag, id -> {
      LongAdder adder = new LongAdder();
      FunctionCounter.builder("progressive.toggle.evaluations", adder, LongAdder::doubleValue)
          .description("Flag evaluations, by flag, variant and reason")
          .tag("feature_flag.key", flagKey)
          .tag("feature_flag.result.variant", variantTag)
          .tag("feature_flag.result.reason", reasonTag)
          .register(registry);
      return adder;
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
