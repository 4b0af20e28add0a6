package dev.progressive.release.internal;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this instance saw in the plan's current stage, since it first saw the stage: successful explicit calls to the
 * new implementation, calls served by the old one (and the last one's time), and, for a verify stage, the
 * experiment's comparisons by outcome (read from the runner's {@code progressive.parallelrun.comparisons} counters,
 * minus their values when the stage began here). Published as one cumulative row per instance and stage.
 */
public final class StageWindow {

  /** The payload format of a row; a reader skips rows of other formats. */
  public static final int FORMAT = 1;

  private final StoredPlan stage;
  private final ParallelRunner runner;
  private final String experiment;
  private final Map<ComparisonOutcome, Double> comparisonsAtStart;
  private final LongAdder explicitSuccesses = new LongAdder();
  private final LongAdder oldServed = new LongAdder();
  private final AtomicLong lastOldServedAt = new AtomicLong();

  StageWindow(StoredPlan stage, ParallelRunner runner, String experiment) {
    this.stage = stage;
    this.runner = runner;
    this.experiment = experiment;
    this.comparisonsAtStart = comparisons(runner, experiment);
  }

  /** Which stage (and entry) this window counts. */
  StoredPlan stage() {
    return stage;
  }

  void explicitSuccess() {
    explicitSuccesses.increment();
  }

  void oldServed(long nowMillis) {
    oldServed.increment();
    lastOldServedAt.accumulateAndGet(nowMillis, Math::max);
  }

  /** The cumulative counts now. */
  Counts counts() {
    Map<ComparisonOutcome, Long> delta = new EnumMap<>(ComparisonOutcome.class);
    Map<ComparisonOutcome, Double> now = comparisons(runner, experiment);
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      delta.put(o, Math.max(0, Math.round(now.getOrDefault(o, 0.0) - comparisonsAtStart.getOrDefault(o, 0.0))));
    }
    return new Counts(explicitSuccesses.sum(), oldServed.sum(), lastOldServedAt.get(), delta);
  }

  private static Map<ComparisonOutcome, Double> comparisons(ParallelRunner runner, String experiment) {
    Map<ComparisonOutcome, Double> counts = new EnumMap<>(ComparisonOutcome.class);
    if (runner == null) {
      return counts;
    }
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      Counter c = runner.meterRegistry().find("progressive.parallelrun.comparisons")
          .tags("experiment", experiment, "outcome", o.tag()).counter();
      counts.put(o, c == null ? 0.0 : c.count());
    }
    return counts;
  }

  /**
   * One instance's counts in a stage, or the fleet's sum.
   *
   * @param explicitSuccesses successful explicit calls to the new implementation
   * @param oldServed calls the old implementation served
   * @param lastOldServedAt when the old implementation last served a call, epoch millis, 0 when never
   * @param comparisons the experiment's comparisons by outcome
   */
  public record Counts(long explicitSuccesses, long oldServed, long lastOldServedAt,
      Map<ComparisonOutcome, Long> comparisons) {

    public Counts {
      comparisons = Map.copyOf(comparisons);
    }

    static Counts none() {
      return new Counts(0, 0, 0, Map.of());
    }

    Counts plus(Counts o) {
      Map<ComparisonOutcome, Long> sum = new EnumMap<>(ComparisonOutcome.class);
      for (ComparisonOutcome c : ComparisonOutcome.values()) {
        sum.put(c, comparisons.getOrDefault(c, 0L) + o.comparisons.getOrDefault(c, 0L));
      }
      return new Counts(explicitSuccesses + o.explicitSuccesses, oldServed + o.oldServed,
          Math.max(lastOldServedAt, o.lastOldServedAt), sum);
    }

    long comparisons(ComparisonOutcome o) {
      return comparisons.getOrDefault(o, 0L);
    }

    byte[] encode() {
      StringBuilder b = new StringBuilder();
      b.append("explicitSuccesses=").append(explicitSuccesses).append('\n');
      b.append("oldServed=").append(oldServed).append('\n');
      b.append("lastOldServedAt=").append(lastOldServedAt).append('\n');
      for (ComparisonOutcome o : ComparisonOutcome.values()) {
        b.append("comparisons.").append(o.name()).append('=').append(comparisons(o)).append('\n');
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Counts decode(byte[] payload) {
      long explicit = 0;
      long old = 0;
      long last = 0;
      Map<ComparisonOutcome, Long> comparisons = new EnumMap<>(ComparisonOutcome.class);
      for (String line : new String(payload, StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = line.substring(0, eq);
        long value = Long.parseLong(line.substring(eq + 1));
        switch (key) {
          case "explicitSuccesses" -> explicit = value;
          case "oldServed" -> old = value;
          case "lastOldServedAt" -> last = value;
          default -> {
            if (key.startsWith("comparisons.")) {
              comparisons.put(ComparisonOutcome.valueOf(key.substring("comparisons.".length())), value);
            }
          }
        }
      }
      return new Counts(explicit, old, last, comparisons);
    }
  }
}
