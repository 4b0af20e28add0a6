package dev.progressive.benchmarks.parallelrun;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.internal.PollingExecutor;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

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
   * The time limiter's part, which the candidate's thread pays, not the caller: a Resilience4j time limit set on a
   * pending future (a timeout scheduled on the runner's scheduler, configured as the runner configures it) and the
   * future completed at once (the timeout cancelled and removed).
   */
  @Benchmark
  public Object partTimeLimiter(TimeLimit limit) {
    CompletableFuture<Integer> observed = new CompletableFuture<>();
    CompletionStage<Integer> limited = limit.timeLimiter.executeCompletionStage(limit.scheduler, () -> observed);
    observed.complete(input);
    return limited;
  }

  /** A time limiter and its scheduler, as the runner builds them. */
  @State(Scope.Benchmark)
  public static class TimeLimit {
    TimeLimiter timeLimiter;
    ScheduledThreadPoolExecutor scheduler;

    @Setup(Level.Trial)
    public void setUp() {
      timeLimiter = TimeLimiter.of("benchmark", TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(1))
          .cancelRunningFuture(true).build());
      scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "benchmark-timeouts");
        t.setDaemon(true);
        return t;
      });
      scheduler.setRemoveOnCancelPolicy(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scheduler.shutdownNow();
    }
  }

  /**
   * The hand-off's part: one task put in the runner's executor (a {@link PollingExecutor} of one thread), measured
   * alone. {@code polling}: the thread has just finished the previous task and polls, so the caller only enqueues and
   * reads the thread's state. {@code deep}: the thread is in a deep park, so the caller also wakes it
   * ({@code LockSupport.unpark}, a system call): the difference is the wake-up's cost.
   */
  @Benchmark
  public Object partHandoff(Handoff handoff) {
    handoff.executor.execute(handoff.task);
    return handoff;
  }

  /** A polling executor of one thread, idle in the state the parameter names before each invocation. */
  @State(Scope.Thread)
  public static class Handoff {
    @Param({"polling", "deep"})
    String thread;
    PollingExecutor executor;
    private Thread worker;
    private final AtomicLong ran = new AtomicLong();
    private long submitted;
    final Runnable task = ran::incrementAndGet;

    @Setup(Level.Trial)
    public void setUp() {
      // The deep variant polls every 10 µs, so that its thread is deeply parked some 30 µs after a task.
      Duration poll = thread.equals("deep") ? Duration.ofNanos(10_000) : Duration.ofMillis(1);
      executor = new PollingExecutor(1, 1, poll, r -> {
        worker = new Thread(r, "benchmark-handoff");
        worker.setDaemon(true);
        return worker;
      });
    }

    @Setup(Level.Invocation)
    public void waitForTheThread() {
      while (ran.get() < submitted) {
        Thread.onSpinWait();
      }
      if (thread.equals("deep") && submitted > 0) {
        while (executor.deeplyParkedThreads() < 1 || worker.getState() != Thread.State.TIMED_WAITING) {
          Thread.onSpinWait();
        }
      }
      submitted++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      executor.shutdownNow();
    }
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
   * A runner of its own whose candidate threads are all idle before each invocation. {@code threads2}: the default
   * runner of two threads, and an empty MDC (this module logs through slf4j-nop). {@code threads1}: one thread, which
   * polls when the call comes, so no call wakes a thread; before the executor woke a deeply parked thread only when
   * none polls, {@code threads2} paid a wake-up on every call and {@code threads1} did not. {@code threads2_mdc3}:
   * two threads, and SLF4J's own thread-local MDC adapter installed with three entries, so that the call copies the
   * MDC as it does under Logback.
   */
  @State(Scope.Thread)
  public static class IdleCandidates {
    @Param({"threads2", "threads1", "threads2_mdc3"})
    String shape;
    private ParallelRunner runner;
    private Experiment<Integer, Integer, Integer> experiment;

    @Setup(Level.Trial)
    public void setUp() {
      if (shape.endsWith("_mdc3")) {
        installThreadLocalMdc();
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        MDC.put("user", "user-42");
      }
      int threads = shape.startsWith("threads1") ? 1 : 2;
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
      System.out.println("\naccepted path outcomes: match=" + (long) matched + " rejected=" + (long) rejected
          + ", MDC on the caller: " + MDC.getCopyOfContextMap());
      runner.close();
    }
  }

  /**
   * slf4j-nop keeps no MDC. This installs SLF4J's {@link BasicMDCAdapter} (a thread-local map, copied as Logback's is)
   * through the package-private {@code MDC.setMDCAdapter}: JMH runs each benchmark in a JVM of its own, so no other
   * benchmark sees it.
   */
  static void installThreadLocalMdc() {
    try {
      Method set = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
      set.setAccessible(true);
      set.invoke(null, new BasicMDCAdapter());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot install SLF4J's BasicMDCAdapter", e);
    }
  }
}
