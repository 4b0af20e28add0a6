package dev.progressive.parallelrun.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * Lets at most {@code limit} events per {@code interval} through and counts the others, on an injectable
 * {@link Clock} so that tests move time instead of sleeping. Thread-safe.
 */
public final class RateLimit {

  /** Returned by {@link #admit()} for an event that is suppressed. */
  public static final long SUPPRESSED = -1;

  private final Clock clock;
  private final int limit;
  private final long intervalMillis;
  private long windowStart = Long.MIN_VALUE;
  private int usedInWindow;
  private long suppressed;

  /**
   * Creates a limit.
   *
   * @param clock the time source
   * @param limit events allowed per interval; 0 lets nothing through
   * @param interval the interval
   */
  public RateLimit(Clock clock, int limit, Duration interval) {
    this.clock = clock;
    this.limit = limit;
    this.intervalMillis = interval.toMillis();
  }

  /**
   * Counts one event.
   *
   * @return {@link #SUPPRESSED} when it is over the limit; otherwise how many were suppressed since the last one
   *     that was let through
   */
  public synchronized long admit() {
    long now = clock.millis();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= intervalMillis) {
      windowStart = now;
      usedInWindow = 0;
    }
    if (usedInWindow >= limit) {
      suppressed++;
      return SUPPRESSED;
    }
    usedInWindow++;
    long before = suppressed;
    suppressed = 0;
    return before;
  }
}
