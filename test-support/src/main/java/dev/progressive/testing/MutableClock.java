package dev.progressive.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that tests move by hand, for code that takes a {@link Clock}: time passes only when the test calls
 * {@link #advance(Duration)} or {@link #set(Instant)}, so a test never waits on the wall clock. Reads and moves are
 * safe across threads. Its zone is UTC; {@link #withZone(ZoneId)} returns this same clock, so that code which
 * changes the zone still reads the time the test sets.
 */
public final class MutableClock extends Clock {
  private volatile Instant now;

  /**
   * A clock that stands at {@code start} until moved.
   *
   * @param start the time it reads first
   */
  public MutableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Sets the time, forward or back.
   *
   * @param instant the time it reads from now on
   */
  public synchronized void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
  }

  /**
   * Moves the time by an amount (a negative one moves it back).
   *
   * @param duration how far to move
   */
  public synchronized void advance(Duration duration) {
    now = now.plus(Objects.requireNonNull(duration, "duration"));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
