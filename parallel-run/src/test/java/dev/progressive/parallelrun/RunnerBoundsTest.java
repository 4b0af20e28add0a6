package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounds: queue, bulkhead, kept mismatches, and no thread left after close(). */
class RunnerBoundsTest {

  @Test
  void underOverloadTheQueueNeverExceedsItsBoundAndTheExcessIsRejected() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ParallelRunner runner = ParallelRunner.builder().threads(2).meterRegistry(registry)
        .timeout(Duration.ofSeconds(30)).build()) {
      CountDownLatch release = new CountDownLatch(1);
      Experiment<Integer, Integer, Integer> experiment = Experiment.<Integer, Integer, Integer>builder("load", runner)
          .control(in -> in)
          .candidate("blocked", in -> {
            release.await();
            return in;
          })
          .build();

      ExecutorService callers = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
          int input = i;
          calls.add(callers.submit(() -> experiment.run(input)));
        }
        for (int i = 0; i < calls.size(); i++) {
          assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
        }
      } finally {
        callers.shutdownNow();
      }
      RunnerStats stats = runner.stats();
      assertThat(stats.queueHighWaterMark()).isLessThanOrEqualTo(stats.queueCapacity());
      assertThat(stats.availablePermits()).isZero();
      assertThat(registry.get("progressive.parallelrun.comparisons").tag("outcome", "rejected").counter().count())
          .isEqualTo(1_998.0);
      release.countDown();
    }
  }

  @Test
  void onlyTheLastNMismatchesAreKept() throws Exception {
    try (ParallelRunner runner = ParallelRunner.builder().mismatchLog(0, Duration.ofSeconds(1)).build()) {
      Experiment<Integer, Integer, Integer> experiment = Experiment.<Integer, Integer, Integer>builder("keep", runner)
          .mode(Mode.SEQUENTIAL)
          .control(in -> in)
          .candidate("off-by-one", in -> in + 1)
          .keepMismatches(10)
          .build();

      for (int i = 0; i < 5_000; i++) {
        experiment.run(i);
      }
      List<Mismatch> kept = experiment.recentMismatches();
      assertThat(kept).hasSize(10);
      assertThat(kept).extracting(Mismatch::sequence)
          .containsExactly(4991L, 4992L, 4993L, 4994L, 4995L, 4996L, 4997L, 4998L, 4999L, 5000L);
      assertThat(kept.get(9).control()).isEqualTo(4999);
    }
  }

  @Test
  void noThreadSurvivesClose() throws Exception {
    ParallelRunner runner = ParallelRunner.builder().name("leak-check").threads(3)
        .timeout(Duration.ofMillis(50)).build();
    CountDownLatch never = new CountDownLatch(1);
    Experiment<Integer, Integer, Integer> experiment = Experiment.<Integer, Integer, Integer>builder("threads", runner)
        .control(in -> in)
        .candidate("fast", in -> in)
        .candidate("stuck", in -> {
          never.await();
          return in;
        })
        .build();
    for (int i = 0; i < 20; i++) {
      experiment.run(i);
    }
    assertThat(runnerThreads()).isNotEmpty();

    runner.close();

    assertThat(runnerThreads()).isEmpty();
    assertThat(experiment.run(7)).isEqualTo(7);
  }

  private static List<Thread> runnerThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("progressive-parallel-run-leak-check") && thread.isAlive()) {
        threads.add(thread);
      }
    }
    return threads;
  }
}
