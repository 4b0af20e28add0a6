package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of DESIGN.md for flags: {@code progressive.toggle.evaluations} and {@code progressive.toggle.changes}.
 * Tags follow OpenTelemetry's feature-flag names. Targeting keys and user ids are never tags.
 */
public final class EvaluationMeters {

  /** The variant tag's value when the caller's default was returned. */
  public static final String NO_VARIANT = "none";

  private final MeterRegistry registry;
  /**
   * One counter id per meter id, shared by the outcomes of every snapshot: the registry keeps the first function
   * counter registered for a meter id, so a new counter per snapshot would count into nothing.
   */
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  /** The evaluation counts by counter id; held here strongly, since a function counter holds its object weakly. */
  private final EvaluationCounts counts = new EvaluationCounts();

  public EvaluationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The counter id of {@code progressive.toggle.evaluations} for one flag, variant and reason, its meter registered
   * the first time. The meter is a {@link FunctionCounter} over {@link EvaluationCounts}: counting is a plain
   * increment in the calling thread's own cells, with no atomic instruction (a {@link Counter}, or an uncontended
   * {@code LongAdder}, costs a compare-and-swap per evaluation), and reading the meter sums the threads' cells.
   */
  int evaluations(String flagKey, String variant, Reason reason) {
    String variantTag = variant == null ? NO_VARIANT : variant;
    String reasonTag = reason.name().toLowerCase(Locale.ROOT);
    return ids.computeIfAbsent(flagKey + '\u0000' + variantTag + '\u0000' + reasonTag, meterId -> {
      int id = nextId.getAndIncrement();
      FunctionCounter.builder("progressive.toggle.evaluations", counts, c -> c.sum(id))
          .description("Flag evaluations, by flag, variant and reason")
          .tag("feature_flag.key", flagKey)
          .tag("feature_flag.result.variant", variantTag)
          .tag("feature_flag.result.reason", reasonTag)
          .register(registry);
      return id;
    });
  }

  /** Counts one evaluation in the counter of that id (see {@link #evaluations}). */
  void count(int id) {
    counts.increment(id);
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
