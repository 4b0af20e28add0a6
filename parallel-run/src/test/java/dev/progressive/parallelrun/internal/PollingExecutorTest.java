package dev.progressive.parallelrun.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PollingExecutorTest {

  private static PollingExecutor executor(Duration maxIdlePark) {
    return new PollingExecutor(2, 4, Duration.ofMillis(1), maxIdlePark, r -> {
      Thread t = new Thread(r, "polling-executor-test");
      t.setDaemon(true);
      return t;
    });
  }

  @Test
  void idleThreadsBackOffAndANewTaskWakesOneAtOnce() throws Exception {
    // With a 60 s longest park, a task would wait up to a minute if nothing woke the parked thread.
    PollingExecutor executor = executor(Duration.ofSeconds(60));
    try {
      CountDownLatch first = new CountDownLatch(1);
      executor.execute(first::countDown);
      assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();

      // Both idle threads back off until each parks for a second or more at a time.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (executor.shortestPark() < TimeUnit.SECONDS.toNanos(1)) {
        assertThat(System.nanoTime()).as("both idle threads to back off").isLessThan(deadline);
        Thread.yield();
      }

      CountDownLatch second = new CountDownLatch(1);
      long submitted = System.nanoTime();
      executor.execute(second::countDown);
      assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - submitted)).as("woken, not left in a long park")
          .isLessThan(Duration.ofMillis(500));
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void theQueueIsBounded() throws Exception {
    PollingExecutor executor = executor(Duration.ofMillis(50));
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < 2; i++) {
        executor.execute(() -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (executor.queueSize() > 0) {
        assertThat(System.nanoTime()).as("both threads to take a task").isLessThan(deadline);
        Thread.onSpinWait();
      }
      for (int i = 0; i < 4; i++) {
        executor.execute(() -> { });
      }
      assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("4 tasks");
      assertThat(executor.highWaterMark()).isEqualTo(4);
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }
}
