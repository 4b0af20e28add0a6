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

  private final RateLimit rateLimit;
  private final Consumer<String> sink;

  /**
   * Creates a rate-limited log.
   *
   * @param clock the time source
   * @param limit lines allowed per interval; 0 logs nothing
   * @param interval the interval
   * @param sink where lines go, such as an SLF4J logger's {@code warn}
   */
  public MismatchLog(Clock clock, int limit, Duration interval, Consumer<String> sink) {
    this.rateLimit = new RateLimit(clock, limit, interval);
    this.sink = sink;
  }

  /**
   * Logs the line if the budget allows, otherwise counts it as suppressed. The line is made only when it is logged.
   *
   * @param line makes the text
   * @return whether it was logged
   */
  public boolean log(java.util.function.Supplier<String> line) {
    long suppressed = rateLimit.admit();
    if (suppressed == RateLimit.SUPPRESSED) {
      return false;
    }
    String text = line.get();
    sink.accept(suppressed == 0 ? text : text + " (" + suppressed + " similar lines suppressed before this one)");
    return true;
  }

  /**
   * Logs the line if the budget allows, otherwise counts it as suppressed.
   *
   * @param line the text
   * @return whether it was logged
   */
  public boolean log(String line) {
    return log(() -> line);
  }
}
