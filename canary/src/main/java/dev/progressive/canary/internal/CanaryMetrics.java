package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryAction;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.CallOutcome;
import dev.progressive.canary.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one canary (DESIGN.md's contract): {@code progressive.canary.requests} per side and outcome,
 * {@code progressive.canary.weight}, {@code progressive.canary.verdicts} and {@code progressive.canary.transitions}.
 */
public final class CanaryMetrics {

  /** The timer of every request, per side and outcome. */
  public static final String REQUESTS_METER = "progressive.canary.requests";

  /**
   * When an application turns it on, the histogram of {@code progressive.canary.requests} spans 100 µs to 30 s:
   * Micrometer's buckets between them are what the Prometheus source judges the fleet's latencies with.
   */
  static final Duration MIN_EXPECTED_LATENCY = Duration.ofNanos(100_000);

  static final Duration MAX_EXPECTED_LATENCY = Duration.ofSeconds(30);

  private final String canary;
  private final MeterRegistry registry;
  private final Timer[] timers = new Timer[4];
  private final Map<Verdict.Result, Counter> verdicts = new EnumMap<>(Verdict.Result.class);

  /**
   * Registers the meters.
   *
   * @param weightOf reads the weight in basis points from {@code owner}, which the gauge references weakly
   */
  public <T> CanaryMetrics(String canary, MeterRegistry registry, T owner, ToDoubleFunction<T> weightOf) {
    this.canary = canary;
    this.registry = registry;
    for (Cohort cohort : Cohort.values()) {
      for (CallOutcome outcome : CallOutcome.values()) {
        timers[index(cohort, outcome)] = Timer.builder(REQUESTS_METER)
            .description("Requests served by each side of a canary release")
            .tags("canary", canary, "cohort", cohort.tag(), "outcome", outcome.tag())
            .minimumExpectedValue(MIN_EXPECTED_LATENCY)
            .maximumExpectedValue(MAX_EXPECTED_LATENCY)
            .register(registry);
      }
    }
    for (Verdict.Result result : Verdict.Result.values()) {
      verdicts.put(result, Counter.builder("progressive.canary.verdicts")
          .description("Verdicts of the canary judge")
          .tags("canary", canary, "verdict", result.tag())
          .register(registry));
    }
    Gauge.builder("progressive.canary.weight", owner, o -> weightOf.applyAsDouble(o) / 100.0)
        .description("The share of keys sent to the canary, in percent")
        .tag("canary", canary)
        .register(registry);
  }

  /** One request served. */
  public void request(Cohort cohort, long nanos, CallOutcome outcome) {
    timers[index(cohort, outcome)].record(nanos, TimeUnit.NANOSECONDS);
  }

  /** One look of the judge on this instance. */
  public void verdict(Verdict.Result result) {
    verdicts.get(result).increment();
  }

  /** One transition made by this instance. */
  public void transition(CanaryAction action, CanaryState to) {
    Counter.builder("progressive.canary.transitions")
        .description("Transitions of a canary release made by this instance, by action and resulting state")
        .tags("canary", canary, "action", action.tag(), "state", to.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  private static int index(Cohort cohort, CallOutcome outcome) {
    return cohort.ordinal() * 2 + outcome.ordinal();
  }
}
