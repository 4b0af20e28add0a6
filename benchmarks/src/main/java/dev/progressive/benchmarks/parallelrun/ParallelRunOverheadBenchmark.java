package dev.progressive.benchmarks.parallelrun;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the harness adds to the caller's call: a trivial control and one trivial candidate, run through an
 * experiment in each mode, against calling the control alone. The disabled and unsampled paths must allocate
 * nothing ({@code -prof gc}: {@code gc.alloc.rate.norm} = 0 B/op).
 *
 * <p>In {@link #async} the benchmark thread submits candidates faster than two candidate threads can take them, so
 * most calls find the bulkhead full and take the rejected path; the outcome counts are printed at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParallelRunOverheadBenchmark {

  private final Integer input = 42;
  private SimpleMeterRegistry registry;
  private ParallelRunner runner;
  private Experiment<Integer, Integer, Integer> async;
  private Experiment<Integer, Integer, Integer> sequential;
  private Experiment<Integer, Integer, Integer> disabled;
  private Experiment<Integer, Integer, Integer> unsampled;
  private com.github.rawls238.scientist4j.Experiment<Integer> scientist4j;
  /** What an MDC holds in a typical request: a trace id, a span id and a user. */
  private final Map<String, String> mdc = new HashMap<>(Map.of("traceId", "4bf92f3577b34da6a3ce929d0e0e4736",
      "spanId", "00f067aa0ba902b7", "user", "user-42"));

  static Integer control(Integer x) {
    return x + 1;
  }

  static Integer candidate(Integer x) {
    return 1 + x;
  }

  @Setup(Level.Trial)
  public void setUp() {
    registry = new SimpleMeterRegistry();
    runner = ParallelRunner.builder().meterRegistry(registry).threads(2).timeout(Duration.ofSeconds(1))
        .mismatchLog(0, Duration.ofSeconds(10)).build();
    async = experiment("async").mode(Mode.ASYNC).build();
    sequential = experiment("sequential").mode(Mode.SEQUENTIAL).build();
    disabled = experiment("disabled").enabled(() -> false).build();
    unsampled = experiment("unsampled").sampleRate(0.0).build();
    scientist4j = new com.github.rawls238.scientist4j.Experiment<>("scientist4j");
  }

  private Experiment.Builder<Integer, Integer, Integer> experiment(String name) {
    return Experiment.<Integer, Integer, Integer>builder(name, runner)
        .control(ParallelRunOverheadBenchmark::control)
        .candidate("candidate", ParallelRunOverheadBenchmark::candidate);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    StringBuilder counts = new StringBuilder("\noutcomes:");
    for (Counter counter : registry.find("progressive.parallelrun.comparisons").counters()) {
      if (counter.count() > 0) {
        counts.append(' ').append(counter.getId().getTag("experiment")).append('/')
            .append(counter.getId().getTag("outcome")).append('=').append((long) counter.count());
      }
    }
    System.out.println(counts + "  queueHighWaterMark=" + runner.stats().queueHighWaterMark()
        + "/" + runner.stats().queueCapacity());
    runner.close();
  }

  @Benchmark
  public Integer controlAlone() {
    return control(input);
  }

  @Benchmark
  public Integer disabled() throws Exception {
    return disabled.run(input);
  }

  @Benchmark
  public Integer unsampled() throws Exception {
    return unsampled.run(input);
  }

  @Benchmark
  public Integer sequential() throws Exception {
    return sequential.run(input);
  }

  @Benchmark
  public Integer async() throws Exception {
    return async.run(input);
  }

  /** Scientist4J 0.6 (the reference): control and candidate one after the other on the caller's thread. */
  @Benchmark
  public Integer scientist4jRun() throws Exception {
    return scientist4j.run(() -> control(input), () -> candidate(input));
  }

  /** Scientist4J 0.6 (the reference): control and candidate on its own pool; the caller waits for the control. */
  @Benchmark
  public Integer scientist4jRunAsync() throws Exception {
    return scientist4j.runAsync(() -> control(input), () -> candidate(input));
  }

  // ---- the parts of the accepted path, each alone and hot -----------------------------------------------------

  /**
   * The bulkhead's part: one permit taken and given back (Resilience4j's semaphore bulkhead, configured as the
   * runner configures its own, which it no longer hands out).
   */
  @Benchmark
  public boolean partBulkheadPermit() {
    boolean permitted = bulkhead.tryAcquirePermission();
    if (permitted) {
      bulkhead.onComplete();
    }
    return permitted;
  }

  private final io.github.resilience4j.bulkhead.Bulkhead bulkhead = io.github.resilience4j.bulkhead.Bulkhead.of(
      "benchmark", io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(16)
          .maxWaitDuration(java.time.Duration.ZERO).build());

  /**
   * The MDC copy's part, as Logback's adapter does it (a copy of its map). This module logs through slf4j-nop, whose
   * MDC copy is free, so the copy is measured on a map of three entries instead.
   */
  @Benchmark
  public Map<String, String> partMdcCopy() {
    return new HashMap<>(mdc);
  }

  /**
   * ASYNC when the bulkhead has room: what the caller pays to hand a candidate over. Its state waits, outside the
   * measurement, until every candidate thread is free again, so only about a thousand calls run per second and the
   * JIT needs more warm-up iterations than the other benchmarks.
   */
  @Benchmark
  @Warmup(iterations = 20, time = 1)
  public Integer asyncAccepted(IdleCandidates idle) throws Exception {
    return idle.experiment.run(input);
  }

  /**
   * A runner of its own whose candidate threads are all idle before each invocation. With two threads, the one that
   * did not take the last task has parked long, so the hand-off wakes it (a system call); with one thread, the thread
   * is still in its short poll park and no call wakes it: the difference is the wake-up's cost.
   */
  @State(Scope.Thread)
  public static class IdleCandidates {
    @Param({"2", "1"})
    int threads;
    private ParallelRunner runner;
    private Experiment<Integer, Integer, Integer> experiment;

    @Setup(Level.Trial)
    public void setUp() {
      runner = ParallelRunner.builder().threads(threads).mismatchLog(0, Duration.ofSeconds(10)).build();
      experiment = Experiment.<Integer, Integer, Integer>builder("async-accepted", runner)
          .control(ParallelRunOverheadBenchmark::control)
          .candidate("candidate", ParallelRunOverheadBenchmark::candidate)
          .build();
    }

    @Setup(Level.Invocation)
    public void waitForIdleCandidates() {
      while (runner.stats().availablePermits() < runner.stats().threads()) {
        Thread.onSpinWait();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      double rejected = runner.meterRegistry().find("progressive.parallelrun.comparisons")
          .tag("outcome", "rejected").counter().count();
      double matched = runner.meterRegistry().find("progressive.parallelrun.comparisons")
          .tag("outcome", "match").counter().count();
      System.out.println("\naccepted path outcomes: match=" + (long) matched + " rejected=" + (long) rejected);
      runner.close();
    }
  }
}
