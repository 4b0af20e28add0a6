package dev.progressive.toggles.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread evaluation counts: exact over threads, kept when threads end, bounded by the live threads. */
class EvaluationCountsTest {

  private static final int THREADS = 4;
  private static final int PER_THREAD = 20_000;

  @Test
  void countsOfSeveralThreadsAddUpExactly() throws InterruptedException {
    EvaluationCounts counts = new EvaluationCounts();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread = new Thread(() -> {
        await(start);
        for (int i = 0; i < PER_THREAD; i++) {
          counts.increment(3);
          counts.increment(EvaluationCounts.PAGE * 5 + 1); // a page of its own, made on first use
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(counts.sum(3)).isEqualTo((long) THREADS * PER_THREAD);
    assertThat(counts.sum(EvaluationCounts.PAGE * 5 + 1)).isEqualTo((long) THREADS * PER_THREAD);
    assertThat(counts.sum(4)).as("an id nobody counted").isZero();
    assertThat(counts.sum(EvaluationCounts.PAGE * 100)).as("an id past every page").isZero();
  }

  @Test
  void countsOfThreadsThatEndedAreKeptWhileTheirCellsAreDropped() throws InterruptedException {
    EvaluationCounts counts = new EvaluationCounts();
    int ended = 100;
    for (int t = 0; t < ended; t++) {
      int id = t % 2 == 0 ? 7 : EvaluationCounts.PAGE * 3;
      Thread thread = new Thread(() -> {
        counts.increment(id);
        counts.increment(id);
      });
      thread.start();
      thread.join();
    }
    assertThat(counts.sum(7)).isEqualTo(ended);
    assertThat(counts.sum(EvaluationCounts.PAGE * 3)).isEqualTo(ended);
    assertThat(counts.threadsKept()).as("cells of threads that ended are folded as new threads come")
        .isLessThanOrEqualTo(16);
  }

  @Test
  void theMeterOfAFlagCountsEveryThreadsEvaluations() throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String flags = """
        {"flags": {"on": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}
        """;
    try (Toggles toggles = Toggles.builder().source(InMemorySource.of(flags)).meterRegistry(registry).build()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Thread thread = new Thread(() -> {
          await(start);
          for (int i = 0; i < PER_THREAD; i++) {
            toggles.isEnabled("on", EvaluationContext.empty());
          }
        });
        thread.start();
        threads.add(thread);
      }
      start.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
      FunctionCounter counter = registry.find("progressive.toggle.evaluations").tag("feature_flag.key", "on")
          .tag("feature_flag.result.variant", "on").tag("feature_flag.result.reason", "static").functionCounter();
      assertThat(counter).isNotNull();
      assertThat(counter.count()).isEqualTo((double) THREADS * PER_THREAD);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
