package dev.progressive.release;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The comparisons that a parallel runner or an HTTP shadow counts in {@code progressive.parallelrun.comparisons}
 * under one {@code experiment} tag (an experiment's name, or a shadow route's), read from the registry they count in.
 */
final class CountedComparisons implements ComparisonSource {

  static final String METER = "progressive.parallelrun.comparisons";

  private final String name;
  private final MeterRegistry registry;
  private final String tag;
  private final Runnable check;
  /** The runner whose experiment this is; null for a shadow's route. */
  private final ParallelRunner runner;

  CountedComparisons(String name, MeterRegistry registry, String tag, Runnable check, ParallelRunner runner) {
    this.name = name;
    this.registry = registry;
    this.tag = tag;
    this.check = check;
    this.runner = runner;
  }

  ParallelRunner runner() {
    return runner;
  }

  /** The {@code experiment} tag: the experiment's or the route's name. */
  String tag() {
    return tag;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<ComparisonOutcome, Long> comparisons() {
    Map<ComparisonOutcome, Long> counts = new EnumMap<>(ComparisonOutcome.class);
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      Counter c = registry.find(METER).tags("experiment", tag, "outcome", o.tag()).counter();
      counts.put(o, c == null ? 0L : Math.round(c.count()));
    }
    return counts;
  }

  @Override
  public void check() {
    check.run();
  }

  @Override
  public String toString() {
    return name;
  }
}
