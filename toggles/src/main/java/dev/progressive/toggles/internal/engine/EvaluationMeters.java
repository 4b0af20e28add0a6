package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The meters of DESIGN.md for flags: {@code progressive.toggle.evaluations} and {@code progressive.toggle.changes}.
 * Tags follow OpenTelemetry's feature-flag names. Targeting keys and user ids are never tags.
 */
public final class EvaluationMeters {

  /** The variant tag's value when the caller's default was returned. */
  public static final String NO_VARIANT = "none";

  private final MeterRegistry registry;

  public EvaluationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  Counter evaluations(String flagKey, String variant, Reason reason) {
    return Counter.builder("progressive.toggle.evaluations")
        .description("Flag evaluations, by flag, variant and reason")
        .tag("feature_flag.key", flagKey)
        .tag("feature_flag.result.variant", variant == null ? NO_VARIANT : variant)
        .tag("feature_flag.result.reason", reason.name().toLowerCase(Locale.ROOT))
        .register(registry);
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
