package dev.progressive.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs periodic tasks when a test moves a {@link MutableClock}: nothing runs on its own, there is no thread, and
 * nobody sleeps. Its {@link #every(Duration, Runnable)} has the shape of the modules' scheduler interfaces, so a test
 * passes a method reference where they are taken, e.g. {@code Canary.builder(...).scheduler(scheduler::every)}.
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
 * ManualScheduler scheduler = new ManualScheduler(clock);
 * scheduler.every(Duration.ofMinutes(1), () -> looks.add(clock.instant()));  // first due a minute from now
 * scheduler.advance(Duration.ofMinutes(3));  // runs it at 10:01, 10:02 and 10:03, the clock set to each
 * }</pre>
 *
 * <p>Tasks may be added and cancelled from any thread, also by a running task; {@link #advance} runs them on the
 * calling thread, one at a time.
 */
public final class ManualScheduler {

  private final MutableClock clock;
  private final List<Task> tasks = new ArrayList<>();

  /**
   * A scheduler on a clock that it moves.
   *
   * @param clock the clock that {@link #advance} moves, which the code under test reads
   */
  public ManualScheduler(MutableClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static final class Task {
    final Duration period;
    final Runnable runnable;
    Instant due;
    volatile boolean cancelled;

    Task(Duration period, Runnable runnable, Instant due) {
      this.period = period;
      this.runnable = runnable;
      this.due = due;
    }
  }

  /**
   * Runs {@code task} every {@code period} of the clock, first one period from now.
   *
   * @param period how often, positive
   * @param task what to run
   * @return a handle whose {@code close()} stops the task
   */
  public synchronized AutoCloseable every(Duration period, Runnable task) {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(task, "task");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
    Task t = new Task(period, task, clock.instant().plus(period));
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /**
   * Moves the clock by {@code duration}, running every task when it falls due, in time order (tasks due at the same
   * instant in the order they were added), with the clock set to that instant; the clock ends {@code duration}
   * later.
   *
   * @param duration how far to move, not negative
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a manual scheduler's time only moves forward; was " + duration);
    }
    Instant end = clock.instant().plus(duration);
    while (true) {
      Task next = null;
      synchronized (this) {
        tasks.removeIf(t -> t.cancelled);
        for (Task t : tasks) {
          if (!t.due.isAfter(end) && (next == null || t.due.isBefore(next.due))) {
            next = t;
          }
        }
        if (next != null) {
          clock.set(next.due);
          next.due = next.due.plus(next.period);
        }
      }
      if (next == null) {
        break;
      }
      next.runnable.run();
    }
    clock.set(end);
  }
}
