package dev.progressive.parallelrun.internal;

import dev.progressive.parallelrun.ComparisonOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one experiment, resolved once when it is built so that no call looks a meter up:
 * {@code progressive.parallelrun.comparisons} (tags {@code experiment}, {@code outcome}) and
 * {@code progressive.parallelrun.duration} (tags {@code experiment}, {@code behavior} = control or candidate).
 */
public final class ExperimentMeters {

  /** The counter's name. */
  public static final String COMPARISONS = "progressive.parallelrun.comparisons";
  /** The timer's name. */
  public static final String DURATION = "progressive.parallelrun.duration";

  private final Map<ComparisonOutcome, Counter> comparisons = new EnumMap<>(ComparisonOutcome.class);
  private final Timer control;
  private final Timer candidate;

  /**
   * Registers (or finds) the meters.
   *
   * @param registry where they live
   * @param experiment the experiment's name, the {@code experiment} tag
   */
  public ExperimentMeters(MeterRegistry registry, String experiment) {
    for (ComparisonOutcome outcome : ComparisonOutcome.values()) {
      comparisons.put(outcome, Counter.builder(COMPARISONS)
          .description("Comparisons of a candidate with the control, by outcome")
          .tag("experiment", experiment)
          .tag("outcome", outcome.tag())
          .register(registry));
    }
    control = timer(registry, experiment, "control");
    candidate = timer(registry, experiment, "candidate");
  }

  private static Timer timer(MeterRegistry registry, String experiment, String behavior) {
    return Timer.builder(DURATION)
        .description("Wall-clock time of the control and of the candidates in a parallel run")
        .tag("experiment", experiment)
        .tag("behavior", behavior)
        .register(registry);
  }

  /** Counts one comparison. */
  public void count(ComparisonOutcome outcome) {
    comparisons.get(outcome).increment();
  }

  /** Records the control's wall time. */
  public void control(long nanos) {
    control.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records a candidate's wall time. */
  public void candidate(long nanos) {
    candidate.record(nanos, TimeUnit.NANOSECONDS);
  }
}
