package dev.progressive.canary;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the controller's analysis at a fixed period. Production code adapts a {@link ScheduledExecutorService};
 * tests give a manual scheduler that runs due tasks when they move a fake clock.
 */
@FunctionalInterface
public interface CanaryScheduler {

  /**
   * Runs {@code task} every {@code period}, first after one period.
   *
   * @return a handle that stops it
   */
  AutoCloseable every(Duration period, Runnable task);

  /** Schedules on an executor that the caller owns (and shuts down). */
  static CanaryScheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (period, task) -> {
      long nanos = period.toNanos();
      ScheduledFuture<?> future = executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
