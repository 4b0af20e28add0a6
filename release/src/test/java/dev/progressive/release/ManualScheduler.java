package dev.progressive.release;

import dev.progressive.canary.CanaryScheduler;

import dev.progressive.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs periodic tasks when a test moves the clock; nothing runs on its own and nobody sleeps. */
final class ManualScheduler implements CanaryScheduler {

  private final MutableClock clock;
  private final List<Task> tasks = new ArrayList<>();

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  private static final class Task {
    final Duration period;
    final Runnable runnable;
    Instant due;
    boolean cancelled;

    Task(Duration period, Runnable runnable, Instant due) {
      this.period = period;
      this.runnable = runnable;
      this.due = due;
    }
  }

  @Override
  public synchronized AutoCloseable every(Duration period, Runnable task) {
    Task t = new Task(period, task, clock.instant().plus(period));
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /** Moves the clock by {@code duration}, running every task when it falls due, in time order. */
  void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (true) {
      Task next = null;
      synchronized (this) {
        for (Task t : tasks) {
          if (!t.cancelled && !t.due.isAfter(end) && (next == null || t.due.isBefore(next.due))) {
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

  synchronized int activeTasks() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }
}
