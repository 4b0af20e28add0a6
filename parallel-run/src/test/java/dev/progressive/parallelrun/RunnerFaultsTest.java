package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Failures the JVM cannot survive, and candidates that cannot be stopped. */
class RunnerFaultsTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aFatalErrorFromTheSamplerReachesTheCallerOnlyAfterTheControlHasRun(Mode mode) {
    OutOfMemoryError fatal = new OutOfMemoryError("sampler");
    AtomicInteger controlRuns = new AtomicInteger();
    try (ParallelRunner runner = ParallelRunner.builder().build()) {
      Experiment<Integer, String, String> experiment = Experiment.<Integer, String, String>builder("oom", runner)
          .mode(mode)
          .control(in -> "old" + controlRuns.incrementAndGet())
          .candidate("new", in -> "new")
          .sampler(in -> {
            throw fatal;
          })
          .build();

      assertThatThrownBy(() -> experiment.run(1)).isSameAs(fatal);
      assertThat(controlRuns).hasValue(1);
    }
  }

  @Test
  void aFatalErrorFromAComparatorReachesASequentialCallerAfterTheControlAndAnAsyncCallerNever() throws Exception {
    OutOfMemoryError fatal = new OutOfMemoryError("comparator");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger controlRuns = new AtomicInteger();
    try (ParallelRunner runner = ParallelRunner.builder().meterRegistry(registry).build()) {
      Experiment<Integer, String, String> sequential = Experiment.<Integer, String, String>builder("seq", runner)
          .mode(Mode.SEQUENTIAL)
          .control(in -> "old" + controlRuns.incrementAndGet())
          .candidate("new", in -> "new")
          .comparator((a, b) -> {
            throw fatal;
          })
          .build();
      Collector results = new Collector();
      Experiment<Integer, String, String> async = Experiment.<Integer, String, String>builder("async", runner)
          .control(in -> "old")
          .candidate("new", in -> "new")
          .comparator((a, b) -> {
            throw fatal;
          })
          .publisher(results)
          .build();

      assertThatThrownBy(() -> sequential.run(1)).isSameAs(fatal);
      assertThat(controlRuns).hasValue(1);
      assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", "seq")
          .tag("outcome", "candidate_error").counter().count()).isEqualTo(1.0);

      assertThat(async.run(1)).isEqualTo("old");
      Result<?, ?> result = results.next();
      assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
      assertThat(result.failure()).isSameAs(fatal);
    }
  }

  @Test
  void candidatesThatIgnoreInterruptsAreShownAsOverdueAndCloseNamesTheThreadsItCouldNotStop() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(2);
    ParallelRunner runner = ParallelRunner.builder().name("stuck").threads(2).meterRegistry(registry)
        .timeout(Duration.ofMillis(50)).build();
    try {
      Collector results = new Collector();
      Experiment<Integer, String, String> experiment = Experiment.<Integer, String, String>builder("stubborn", runner)
          .control(in -> "old")
          .candidate("new", in -> {
            while (true) {
              try {
                release.await();
                return "old";
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
            }
          })
          .publisher(results)
          .build();

      experiment.run(1);
      experiment.run(2);
      assertThat(results.next(2)).extracting(Result::outcome).containsOnly(ComparisonOutcome.TIMEOUT);
      interrupted.await();
      Hostile.await("both threads are overdue", () -> runner.stats().overdueThreads() == 2);
      RunnerStats stats = runner.stats();
      assertThat(stats.busyThreads()).isEqualTo(2);
      assertThat(stats.availablePermits()).as("an overdue candidate keeps its permit").isZero();
      assertThat(registry.get(ParallelRunner.THREADS).tag("runner", "stuck").tag("state", "overdue").gauge().value())
          .isEqualTo(2.0);
      assertThat(experiment.run(3)).isEqualTo("old");
      assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.REJECTED);

      List<String> alive = runner.shutdown(Duration.ofMillis(200));
      assertThat(alive).containsExactly("progressive-parallel-run-stuck-1", "progressive-parallel-run-stuck-2");
      assertThat(experiment.run(4)).as("a closed runner runs the control alone").isEqualTo("old");
    } finally {
      release.countDown();
      Hostile.await("the released candidates end", () -> runner.stats().busyThreads() == 0);
      assertThat(runner.stats().overdueThreads()).isZero();
      assertThat(runner.shutdown(Duration.ofSeconds(10))).isEmpty();
    }
  }
}
