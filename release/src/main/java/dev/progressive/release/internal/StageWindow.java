package dev.progressive.release.internal;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.release.ComparisonSource;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this instance saw in the plan's current stage, since it first saw the stage: explicit calls to the new
 * implementation that succeeded and that failed, calls served by the old one (and the last one's time), and, for a
 * verify stage, the comparisons by outcome of its {@link ComparisonSource} (a parallel run's experiment or an HTTP
 * shadow's route), minus their counts when the stage began here. Published as one cumulative row per instance and
 * stage.
 */
public final class StageWindow {

  /**
   * The payload format of a row; a reader skips rows of other formats. The payload is {@code key=value} lines and a
   * reader ignores keys it does not know and takes a missing key as 0, so adding a count keeps the format: a row of
   * an instance that does not count failed explicit calls yet reads as none failed.
   */
  public static final int FORMAT = 1;

  private static final Logger log = LoggerFactory.getLogger(StageWindow.class);

  private final StoredPlan stage;
  /** The verify stage's source, or null. */
  private final ComparisonSource source;
  /** The source's counts when the stage began here; null until they could be read (a source that threw). */
  private volatile Map<ComparisonOutcome, Long> comparisonsAtStart;
  /** The source's counts at the last read that worked, which stand in while it throws. */
  private volatile Map<ComparisonOutcome, Long> lastRead;
  private final LongAdder explicitSuccesses = new LongAdder();
  private final LongAdder explicitFailures = new LongAdder();
  private final LongAdder oldServed = new LongAdder();
  private final AtomicLong lastOldServedAt = new AtomicLong();

  StageWindow(StoredPlan stage, ComparisonSource source) {
    this.stage = stage;
    this.source = source;
    this.comparisonsAtStart = comparisons(source);
  }

  /** Which stage (and entry) this window counts. */
  StoredPlan stage() {
    return stage;
  }

  void explicitSuccess() {
    explicitSuccesses.increment();
  }

  void explicitFailure() {
    explicitFailures.increment();
  }

  void oldServed(long nowMillis) {
    oldServed.increment();
    lastOldServedAt.accumulateAndGet(nowMillis, Math::max);
  }

  /** The cumulative counts now. */
  Counts counts() {
    Map<ComparisonOutcome, Long> delta = new EnumMap<>(ComparisonOutcome.class);
    Map<ComparisonOutcome, Long> now = comparisons(source);
    Map<ComparisonOutcome, Long> start = comparisonsAtStart;
    if (start == null) {
      // the source could not be read when the stage began here: its counts start now
      comparisonsAtStart = now;
      start = now == null ? Map.of() : now;
    }
    if (now == null) {
      now = lastRead != null ? lastRead : start;
    }
    lastRead = now;
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      delta.put(o, Math.max(0, now.getOrDefault(o, 0L) - start.getOrDefault(o, 0L)));
    }
    return new Counts(explicitSuccesses.sum(), explicitFailures.sum(), oldServed.sum(), lastOldServedAt.get(),
        delta);
  }

  /** The source's counts now; null when it threw (a source of the user's must not break routing or a look). */
  private static Map<ComparisonOutcome, Long> comparisons(ComparisonSource source) {
    if (source == null) {
      return Map.of();
    }
    try {
      return Map.copyOf(source.comparisons());
    } catch (RuntimeException e) {
      log.warn("{}: its comparisons cannot be read now: {}", source.name(), e.toString());
      return null;
    }
  }

  /**
   * One instance's counts in a stage, or the fleet's sum.
   *
   * @param explicitSuccesses successful explicit calls to the new implementation
   * @param explicitFailures explicit calls to the new implementation that threw (or were recorded as failed)
   * @param oldServed calls the old implementation served
   * @param lastOldServedAt when the old implementation last served a call, epoch millis, 0 when never
   * @param comparisons the experiment's comparisons by outcome
   */
  public record Counts(long explicitSuccesses, long explicitFailures, long oldServed, long lastOldServedAt,
      Map<ComparisonOutcome, Long> comparisons) {

    public Counts {
      comparisons = Map.copyOf(comparisons);
    }

    static Counts none() {
      return new Counts(0, 0, 0, 0, Map.of());
    }

    Counts plus(Counts o) {
      Map<ComparisonOutcome, Long> sum = new EnumMap<>(ComparisonOutcome.class);
      for (ComparisonOutcome c : ComparisonOutcome.values()) {
        sum.put(c, comparisons.getOrDefault(c, 0L) + o.comparisons.getOrDefault(c, 0L));
      }
      return new Counts(explicitSuccesses + o.explicitSuccesses, explicitFailures + o.explicitFailures,
          oldServed + o.oldServed, Math.max(lastOldServedAt, o.lastOldServedAt), sum);
    }

    /** Explicit calls to the new implementation, successful or failed. */
    long explicitCalls() {
      return explicitSuccesses + explicitFailures;
    }

    long comparisons(ComparisonOutcome o) {
      return comparisons.getOrDefault(o, 0L);
    }

    byte[] encode() {
      StringBuilder b = new StringBuilder();
      b.append("explicitSuccesses=").append(explicitSuccesses).append('\n');
      b.append("explicitFailures=").append(explicitFailures).append('\n');
      b.append("oldServed=").append(oldServed).append('\n');
      b.append("lastOldServedAt=").append(lastOldServedAt).append('\n');
      for (ComparisonOutcome o : ComparisonOutcome.values()) {
        b.append("comparisons.").append(o.name()).append('=').append(comparisons(o)).append('\n');
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Counts decode(byte[] payload) {
      long explicit = 0;
      long failed = 0;
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
          case "explicitFailures" -> failed = value;
          case "oldServed" -> old = value;
          case "lastOldServedAt" -> last = value;
          default -> {
            ComparisonOutcome o = key.startsWith("comparisons.") ? outcome(key.substring("comparisons.".length()))
                : null;
            if (o != null) {
              comparisons.put(o, value);
            }
          }
        }
      }
      return new Counts(explicit, failed, old, last, comparisons);
    }

    /** The outcome of that name, or null for one this version does not know (a newer instance's): skipped. */
    private static ComparisonOutcome outcome(String name) {
      for (ComparisonOutcome o : ComparisonOutcome.values()) {
        if (o.name().equals(name)) {
          return o;
        }
      }
      return null;
    }
  }
}
