package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.parallelrun.Hostile.Fault;
import dev.progressive.parallelrun.Hostile.Node;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hook-fault matrix: every user hook, made to fail in every way that applies, in both modes. The caller always
 * gets the control's answer (its value, or its exception as the same instance), the outcome counters add up to the
 * comparisons, the bulkhead gets every permit back, and the runner's threads survive.
 *
 * <p>Calls per case: {@code -Dparallelrun.matrix.calls=N} (20 by default); see docs/testing.md for a long run.
 */
class HookFaultMatrixTest {

  private static final int CALLS = Integer.getInteger("parallelrun.matrix.calls", 20);
  private static final int THREADS = 2;
  private static final AtomicInteger RUNNERS = new AtomicInteger();

  enum Hook {
    CANDIDATE, COMPARATOR, EXCEPTION_COMPARATOR, IGNORE_RULE, CLEANER, PUBLISHER, SAMPLER, ENABLE_SWITCH,
    PROPAGATOR_CAPTURE, PROPAGATOR_OPEN, PROPAGATOR_CLOSE;

    /** The faults that apply: a cyclic value only where the hook sees or makes values. */
    Set<Fault> faults() {
      Set<Fault> faults = EnumSet.of(Fault.RUNTIME_EXCEPTION, Fault.ERROR, Fault.SNEAKY_CHECKED_EXCEPTION,
          Fault.STACK_OVERFLOW);
      if (EnumSet.of(CANDIDATE, COMPARATOR, IGNORE_RULE, CLEANER, PUBLISHER).contains(this)) {
        faults.add(Fault.CYCLIC_VALUE);
      }
      return faults;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Hook hook : Hook.values()) {
      for (Fault fault : hook.faults()) {
        for (Mode mode : Mode.values()) {
          cases.add(Arguments.of(hook, fault, mode));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} × {1} × {2}")
  @MethodSource("cases")
  void theCallerGetsTheControlsAnswerAndTheCountersAddUp(Hook hook, Fault fault, Mode mode) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String runnerName = "matrix" + RUNNERS.incrementAndGet();
    try (ParallelRunner runner = ParallelRunner.builder().name(runnerName).threads(THREADS).meterRegistry(registry)
        .timeout(Duration.ofSeconds(30)).build()) {
      boolean cyclic = fault == Fault.CYCLIC_VALUE;
      boolean controlThrows = hook == Hook.EXCEPTION_COMPARATOR;
      IOException controlFailure = new IOException("the control's own failure");
      Experiment.Builder<Integer, Object, Object> builder = Experiment.<Integer, Object, Object>builder("matrix", runner)
          .mode(mode)
          .control(in -> {
            if (controlThrows) {
              throw controlFailure;
            }
            return cyclic ? Node.selfContaining("old") : "old:" + in;
          })
          .candidate("new", in -> {
            if (controlThrows) {
              throw new IOException("the candidate's failure");
            }
            if (hook == Hook.CANDIDATE) {
              return cyclic ? Node.selfContaining("old") : fault.raise();
            }
            return cyclic ? Node.selfContaining("new") : "new:" + in;
          });
      switch (hook) {
        case COMPARATOR -> builder.comparator((a, b) -> cyclic ? Objects.equals(a, b) : fault.raise() != null);
        case EXCEPTION_COMPARATOR -> builder.exceptionComparator((a, b) -> fault.raise() != null);
        case IGNORE_RULE -> builder.ignore((c, k) -> cyclic ? c.value().hashCode() == 0 : fault.raise() != null);
        case CLEANER -> builder.cleaner(v -> cyclic ? Node.selfContaining("cleaned") : fault.raise(), v -> v);
        case PUBLISHER -> builder.publisher(r -> {
          if (cyclic) {
            String.valueOf(r);
          } else {
            fault.raise();
          }
        });
        case SAMPLER -> builder.sampler(in -> fault.raise() != null);
        case ENABLE_SWITCH -> builder.enabled(() -> fault.raise() != null);
        case PROPAGATOR_CAPTURE -> builder.contextPropagator(() -> {
          throw fault.raise();
        });
        case PROPAGATOR_OPEN -> builder.contextPropagator(() -> () -> {
          throw fault.raise();
        });
        case PROPAGATOR_CLOSE -> builder.contextPropagator(() -> () -> () -> {
          throw fault.raise();
        });
        default -> {
        }
      }
      Experiment<Integer, Object, Object> experiment = builder.build();

      for (int i = 0; i < CALLS; i++) {
        int input = i;
        if (controlThrows) {
          assertThatThrownBy(() -> experiment.run(input)).isSameAs(controlFailure);
        } else if (cyclic) {
          assertThat(experiment.run(input)).isInstanceOf(Node.class).extracting(n -> ((Node) n).name())
              .isEqualTo("old");
        } else {
          assertThat(experiment.run(input)).isEqualTo("old:" + input);
        }
      }

      boolean sampled = hook != Hook.SAMPLER && hook != Hook.ENABLE_SWITCH;
      long expected = sampled ? CALLS : 0;
      Hostile.await("the outcomes add up to " + expected, () -> total(registry) == expected);
      if (mode == Mode.ASYNC) {
        Hostile.await("every bulkhead permit is back", () -> runner.stats().availablePermits() == THREADS);
        if (sampled) {
          assertThat(liveThreads("progressive-parallel-run-" + runnerName)).as("the candidate threads are alive")
              .contains(runnerThread(runnerName, 1), runnerThread(runnerName, 2));
        }
      }
      assertThat(total(registry)).as("no outcome counted twice").isEqualTo(expected);
      if (Set.of(Hook.COMPARATOR, Hook.EXCEPTION_COMPARATOR).contains(hook)
          || (Set.of(Hook.IGNORE_RULE, Hook.CLEANER).contains(hook) && !cyclic)) {
        assertThat(count(registry, "candidate_error") + count(registry, "rejected"))
            .as("every comparison that ran was a candidate error").isEqualTo(CALLS);
      }
      assertThat(runner.stats().overdueThreads()).isZero();
      if (mode == Mode.ASYNC) {
        assertTheComparisonThreadStillWorks(runner);
      }
    }
  }

  /** A probe whose control finishes after its candidate has arrived, so that the comparison thread must judge it. */
  private static void assertTheComparisonThreadStillWorks(ParallelRunner runner) throws Exception {
    Collector results = new Collector();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    Experiment<Integer, String, String> probe = Experiment.<Integer, String, String>builder("probe", runner)
        .control(in -> {
          started.await();
          Hostile.await("the probe's candidate has arrived", () -> runner.stats().busyThreads() == 0);
          return "same";
        })
        .candidate("probe", in -> {
          started.countDown();
          return "same";
        })
        .publisher(results)
        .build();
    assertThat(probe.run(0)).isEqualTo("same");
    assertThat(results.nextThread().getName()).isEqualTo(runnerThread(runnerName(runner), 3));
  }

  private static String runnerName(ParallelRunner runner) {
    return runner.bulkhead().getName();
  }

  private static String runnerThread(String runnerName, int index) {
    return "progressive-parallel-run-" + runnerName + "-" + index;
  }

  private static List<String> liveThreads(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(prefix) && thread.isAlive()) {
        names.add(thread.getName());
      }
    }
    return names;
  }

  private static long total(SimpleMeterRegistry registry) {
    return (long) registry.find("progressive.parallelrun.comparisons").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private static long count(SimpleMeterRegistry registry, String outcome) {
    return (long) registry.get("progressive.parallelrun.comparisons").tag("outcome", outcome).counter().count();
  }
}
