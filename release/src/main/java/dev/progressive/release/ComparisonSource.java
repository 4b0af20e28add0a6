package dev.progressive.release;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;

/**
 * Where a verify stage reads how the new implementation compares with the old on this instance: a parallel run's
 * experiment or an HTTP shadow's route. The plan takes the difference between its counts now and when the stage began
 * here, publishes it with the instance's other counts of the stage, and gates on the fleet's sum (see
 * {@link Stage#verify(ComparisonSource)}).
 *
 * <pre>{@code
 * Stage.verify(ComparisonSource.parallelRun(runner, "pricing"))
 * Stage.verify(ComparisonSource.httpShadow(shadow, "get-order", registry))   // the registry the shadow counts in
 * }</pre>
 *
 * <p>An implementation of your own counts comparisons by {@link ComparisonOutcome}: its counts never decrease, are
 * cheap to read (the plan reads them at every look) and thread-safe.
 */
public interface ComparisonSource {

  /** What compares, as the gate's evidence names it: {@code experiment 'pricing'}, {@code HTTP shadow route 'x'}. */
  String name();

  /** The comparisons counted on this instance so far, by outcome: cumulative, never decreasing; absent means 0. */
  Map<ComparisonOutcome, Long> comparisons();

  /**
   * Checked when the plan is built.
   *
   * @throws IllegalStateException saying what is wrong, e.g. an experiment the runner does not know
   */
  default void check() {}

  /**
   * The comparisons of one experiment of a parallel runner, as it counts them in
   * {@code progressive.parallelrun.comparisons{experiment}} in its registry.
   */
  static ComparisonSource parallelRun(ParallelRunner runner, String experiment) {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(experiment, "experiment");
    return new CountedComparisons("experiment '" + experiment + "'", runner.meterRegistry(), experiment, () -> {
      if (runner.experiment(experiment).isEmpty()) {
        throw new IllegalStateException("names experiment '" + experiment + "', which the runner does not know; it "
            + "knows " + runner.experiments().stream().map(e -> "'" + e.name() + "'").toList());
      }
    }, runner);
  }

  /**
   * The comparisons of one route of an HTTP shadow: the requests it sent to the new version and compared with the
   * old one's answers, as it counts them in {@code progressive.parallelrun.comparisons{experiment=<route>}}. With a
   * secondary, differences that two copies of the old version show too are {@code IGNORED}: noise, never counted.
   *
   * @param shadow the shadow
   * @param route one of its routes' names
   * @param registry the registry the shadow was built with ({@code HttpShadow.Builder.meterRegistry}), where it counts
   */
  static ComparisonSource httpShadow(HttpShadow shadow, String route, MeterRegistry registry) {
    Objects.requireNonNull(shadow, "shadow");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(registry, "registry");
    return new CountedComparisons("HTTP shadow route '" + route + "'", registry, route, () -> {
      if (shadow.report().endpoint(route).isEmpty()) {
        throw new IllegalStateException("names HTTP shadow route '" + route + "', which the shadow does not have; "
            + "it has " + shadow.report().endpoints().stream().map(e -> "'" + e.name() + "'").toList());
      }
      if (registry.find(CountedComparisons.METER).tag("experiment", route).counter() == null) {
        throw new IllegalStateException("reads HTTP shadow route '" + route + "' from a registry the shadow does "
            + "not count in: give the registry the shadow was built with (HttpShadow.Builder.meterRegistry)");
      }
    }, null);
  }
}
