package dev.progressive.parallelrun.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Lets at most {@code limit} mismatch lines per {@code interval} through to the log, for one experiment, and says
 * how many were suppressed in between. The same mismatch over and over (the same signature: candidate and differing
 * paths) backs off further: after it is logged, it is logged again no sooner than one interval later, then two, four,
 * and so on up to 64 intervals, so that a steady mismatch does not write a line every interval for ever. Time comes
 * from an injectable {@link Clock}, so tests move it instead of sleeping. At most 64 signatures are remembered.
 */
public final class MismatchLog {

  private static final int MAX_BACKOFF_INTERVALS = 64;
  private static final int MAX_SIGNATURES = 64;

  private final Clock clock;
  private final RateLimit rateLimit;
  private final long intervalMillis;
  private final Consumer<String> sink;
  private final Map<String, long[]> backoffs = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > MAX_SIGNATURES;
    }
  };
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
    this.rateLimit = new RateLimit(clock, limit, interval);
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.sink = sink;
  }

  /**
   * Logs the line if the budget and the signature's back-off allow, otherwise counts it as suppressed. The line is
   * made only when it is logged.
   *
   * @param signature what makes two mismatches "the same", such as the candidate and the differing paths
   * @param line makes the text
   * @return whether it was logged
   */
  public boolean log(String signature, Supplier<String> line) {
    long before;
    synchronized (this) {
      long now = clock.millis();
      long[] backoff = backoffs.get(signature);
      if (backoff != null && now < backoff[0]) {
        suppressed++;
        return false;
      }
      if (rateLimit.admit() == RateLimit.SUPPRESSED) {
        suppressed++;
        return false;
      }
      long wait = backoff == null ? intervalMillis : Math.min(backoff[1] * 2, intervalMillis * MAX_BACKOFF_INTERVALS);
      backoffs.put(signature, new long[] {now + wait, wait});
      before = suppressed;
      suppressed = 0;
    }
    String text = line.get();
    sink.accept(before == 0 ? text : text + " (" + before + " similar lines suppressed before this one)");
    return true;
  }

  /**
   * Logs the line, its own signature, if the budget allows, otherwise counts it as suppressed.
   *
   * @param line the text
   * @return whether it was logged
   */
  public boolean log(String line) {
    return log(line, () -> line);
  }
}
