package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nothing the experiment does may throw into the caller or change the control's result. */
class ExperimentSafetyTest {

  private final ParallelRunner runner = ParallelRunner.builder().timeout(Duration.ofSeconds(5)).build();
  private final Collector results = new Collector();

  @AfterEach
  void close() {
    runner.close();
  }

  private Experiment.Builder<String, String, String> experiment(Mode mode) {
    return Experiment.<String, String, String>builder("safety-" + mode, runner).mode(mode).publisher(results);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void controlsCheckedExceptionReachesTheCallerAsTheSameInstance(Mode mode) throws Exception {
    IOException boom = new IOException("disk full");
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> {
          throw boom;
        })
        .candidate("new", in -> "fine")
        .build();

    assertThatThrownBy(() -> experiment.run("x")).isSameAs(boom);
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void controlsErrorReachesTheCallerAsTheSameInstance(Mode mode) {
    AssertionError boom = new AssertionError("broken invariant");
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> {
          throw boom;
        })
        .candidate("new", in -> "fine")
        .build();

    assertThatThrownBy(() -> experiment.run("x")).isSameAs(boom);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aThrowingComparatorGivesCandidateErrorAndTheCallerKeepsTheControlsValue(Mode mode) throws Exception {
    IllegalStateException failure = new IllegalStateException("comparator bug");
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> "old")
        .candidate("new", in -> "new")
        .comparator((a, b) -> {
          throw failure;
        })
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(result.failure()).isSameAs(failure);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aThrowingIgnoreRuleGivesCandidateError(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> "old")
        .candidate("new", in -> "new")
        .ignore((c, k) -> {
          throw new IllegalStateException("rule bug");
        })
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aThrowingCleanerGivesCandidateError(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> "old")
        .candidate("new", in -> "new")
        .cleaner(v -> {
          throw new IllegalStateException("cleaner bug");
        }, v -> v)
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aThrowingPublisherNeitherReachesTheCallerNorStopsTheOtherPublishers(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = Experiment.<String, String, String>builder("pub-" + mode, runner)
        .mode(mode)
        .control(in -> "old")
        .candidate("new", in -> "old")
        .publisher(r -> {
          throw new IllegalStateException("publisher bug");
        })
        .publisher(results)
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void nullOnEitherSideIsComparedWithoutThrowing(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> in.equals("control-null") || in.equals("both-null") ? null : "v")
        .candidate("new", in -> in.equals("candidate-null") || in.equals("both-null") ? null : "v")
        .build();

    assertThat(experiment.run("control-null")).isNull();
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(experiment.run("candidate-null")).isEqualTo("v");
    Result<?, ?> candidateNull = results.next();
    assertThat(candidateNull.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(candidateNull.differences()).extracting(Object::toString).containsExactly("$: \"v\" ≠ null");
    assertThat(experiment.run("both-null")).isNull();
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aComparatorThatIsNotNullSafeCannotHurtTheCaller(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = experiment(mode)
        .control(in -> null)
        .candidate("new", in -> "v")
        .comparator((a, b) -> a.equals(b))
        .build();

    assertThat(experiment.run("x")).isNull();
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
  }

  @Test
  void aThrowingEnableSwitchOrSamplerRunsTheControlAlone() throws Exception {
    AtomicInteger candidateCalls = new AtomicInteger();
    Experiment<String, String, String> badSwitch = Experiment.<String, String, String>builder("switch", runner)
        .control(in -> "old")
        .candidate("new", in -> "n" + candidateCalls.incrementAndGet())
        .enabled(() -> {
          throw new IllegalStateException("flag store down");
        })
        .build();
    Experiment<String, String, String> badSampler = Experiment.<String, String, String>builder("sampler", runner)
        .control(in -> "old")
        .candidate("new", in -> "n" + candidateCalls.incrementAndGet())
        .sampler(in -> {
          throw new IllegalStateException("sampler bug");
        })
        .build();

    assertThat(badSwitch.run("x")).isEqualTo("old");
    assertThat(badSampler.run("x")).isEqualTo("old");
    assertThat(candidateCalls).hasValue(0);
  }

  @Test
  void aFullBulkheadRejectsTheCandidateAndTheCallerIsNotDelayed() throws Exception {
    try (ParallelRunner small = ParallelRunner.builder().threads(1).timeout(Duration.ofSeconds(30)).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      Experiment<String, String, String> experiment = Experiment.<String, String, String>builder("full", small)
          .control(in -> "old")
          .candidate("new", in -> {
            started.countDown();
            release.await();
            return "old";
          })
          .publisher(results)
          .build();

      assertThat(experiment.run("first")).isEqualTo("old");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(experiment.run("second")).isEqualTo("old");

      Result<?, ?> rejected = results.next();
      assertThat(rejected.outcome()).isEqualTo(ComparisonOutcome.REJECTED);
      assertThat(rejected.candidate()).isNull();
      release.countDown();
      assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
    }
  }

  @Test
  void aSlowCandidateIsInterruptedAndCountedAsATimeout() throws Exception {
    try (ParallelRunner quick = ParallelRunner.builder().timeout(Duration.ofMillis(100)).build()) {
      CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
      Experiment<String, String, String> experiment = Experiment.<String, String, String>builder("slow", quick)
          .control(in -> "old")
          .candidate("new", in -> {
            try {
              new CountDownLatch(1).await();
              return "never";
            } catch (InterruptedException e) {
              interrupted.complete(true);
              throw e;
            }
          })
          .publisher(results)
          .build();

      assertThat(experiment.run("x")).isEqualTo("old");
      Result<?, ?> result = results.next();
      assertThat(result.outcome()).isEqualTo(ComparisonOutcome.TIMEOUT);
      assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
      // The permit comes back after the interrupted candidate has unwound, which is after it
      // completed the future above: wait for that event rather than read the count at once.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        while (quick.stats().availablePermits() != 2) {
          Thread.onSpinWait();
        }
      });
    }
  }

  @Test
  void theControlsValueReturnsBeforeTheCandidateFinishes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Experiment<String, String, String> experiment = experiment(Mode.ASYNC)
        .control(in -> "old")
        .candidate("new", in -> {
          release.await();
          return "old";
        })
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    assertThat(results.isEmpty()).isTrue();
    release.countDown();
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @Test
  void whenTheControlFinishesLastTheComparisonIsHandedToTheComparisonThread() throws Exception {
    CompletableFuture<Thread> candidateThread = new CompletableFuture<>();
    Experiment<String, String, String> experiment = experiment(Mode.ASYNC)
        .control(in -> {
          // The candidate has arrived once its bulkhead permit is back: it is released after the arrival.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (runner.stats().availablePermits() < runner.stats().threads() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          assertThat(candidateThread).isDone();
          return "old";
        })
        .candidate("new", in -> {
          candidateThread.complete(Thread.currentThread());
          return "old";
        })
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    Thread publishing = results.nextThread();
    assertThat(publishing).isNotSameAs(Thread.currentThread()).isNotSameAs(candidateThread.get());
    assertThat(publishing.getName()).startsWith("progressive-parallel-run-");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @Test
  void inAsyncModeTheComparisonAndPublishingHappenOffTheCallersThread() throws Exception {
    Experiment<String, String, String> experiment = experiment(Mode.ASYNC)
        .control(in -> "old")
        .candidate("new", in -> "old")
        .build();

    experiment.run("x");
    assertThat(results.nextThread()).isNotSameAs(Thread.currentThread());
  }

  @Test
  void raiseOnMismatchThrowsForTestsInBothModes() {
    for (Mode mode : Mode.values()) {
      Experiment<String, String, String> experiment = Experiment.<String, String, String>builder("raise-" + mode,
              runner)
          .mode(mode)
          .control(in -> "old")
          .candidate("new", in -> "new")
          .raiseOnMismatch(true)
          .build();

      assertThatThrownBy(() -> experiment.run("x"))
          .isInstanceOf(MismatchException.class)
          .hasMessageContaining("$: \"old\" ≠ \"new\"");
    }
  }
}
