package dev.progressive.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread makes true, where the code under test offers no event to wait on: a
 * store that tells other instances of a write on a thread of its own (PostgreSQL's LISTEN/NOTIFY, or polling). The
 * condition is checked every 20 ms; after a bound (30 s unless given) the wait fails naming what it waited for, so
 * that a change that never comes fails the test instead of hanging it. The bound is a safety net, not a timing: for
 * time passing in the code under test, move a {@link MutableClock} instead.
 */
public final class Await {

  /** The bound of {@link #until(BooleanSupplier, String)}: far beyond a store's notification on a loaded machine. */
  public static final Duration BOUND = Duration.ofSeconds(30);

  private static final long CHECK_MILLIS = 20;

  private Await() {
  }

  /**
   * Returns once {@code condition} is true, checking it every 20 ms for at most {@link #BOUND}.
   *
   * @param condition what to wait for; called on this thread
   * @param what what it means, for the failure's message
   * @throws AssertionError when it is still false after the bound
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static void until(BooleanSupplier condition, String what) throws InterruptedException {
    until(condition, BOUND, what);
  }

  /**
   * Returns once {@code condition} is true, checking it every 20 ms for at most {@code bound}.
   *
   * @param condition what to wait for; called on this thread
   * @param bound how long at most, positive
   * @param what what it means, for the failure's message
   * @throws AssertionError when it is still false after the bound
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static void until(BooleanSupplier condition, Duration bound, String what) throws InterruptedException {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(bound, "bound");
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("bound must be positive, was " + bound);
    }
    long deadline = System.nanoTime() + bound.toNanos();
    Object signal = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + bound + " waiting for " + what);
      }
      synchronized (signal) {
        signal.wait(CHECK_MILLIS);
      }
    }
  }
}
