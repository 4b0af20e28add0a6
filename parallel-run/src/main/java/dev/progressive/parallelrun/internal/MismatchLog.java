package dev.progressive.parallelrun.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Lets at most {@code limit} mismatch lines per {@code interval} through to the log, for one experiment, and says
 * how many were suppressed in between. Time comes from an injectable {@link Clock}, so tests move it instead of
 * sleeping.
 */
public final class MismatchLog {

  private final Clock clock;
  private final int limit;
  private final long intervalMillis;
  private final Consumer<String> sink;
  private long windowStart = Long.MIN_VALUE;
  private int usedInWindow;
  private long suppressed;

  /**
   * Creates a rate-limited log.
   *
   * @param clock the time source
   * @param limit lines allowed per interval; 0 logs nothing
   * @param interval the interval
   * @param sink where lines go, such as an SLF4J logger's {@code warn}
   */
  public MismatchLog(Clock clock, int limit, Duration interval, Consumer<String> sink) {
    this.clock = clock;
    this.limit = limit;
    this.intervalMillis = interval.toMillis();
    this.sink = sink;
  }

  /**
   * Logs the line if the budget allows, otherwise counts it as suppressed.
   *
   * @param line the text
   * @return whether it was logged
   */
  public boolean log(String line) {
    String out;
    synchronized (this) {
      long now = clock.millis();
      if (windowStart == Long.MIN_VALUE || now - windowStart >= intervalMillis) {
        windowStart = now;
        usedInWindow = 0;
      }
      if (usedInWindow >= limit) {
        suppressed++;
        return false;
      }
      usedInWindow++;
      out = suppressed == 0 ? line : line + " (" + suppressed + " similar lines suppressed before this one)";
      suppressed = 0;
    }
    sink.accept(out);
    return true;
  }
}
