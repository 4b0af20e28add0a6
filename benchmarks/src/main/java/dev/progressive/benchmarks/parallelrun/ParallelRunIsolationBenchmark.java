package dev.progressive.benchmarks.parallelrun;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Isolation: a control that waits 5 ms and a candidate that waits 20 ms, called by 8 threads at once. The latency
 * that callers see (p50, p99 from SampleTime) with the experiment in ASYNC mode should stay within 10% of the bare
 * control, and the candidate queue never above its bound (printed at tear-down).
 *
 * <p>{@link #scientist4jRunAsync} is Scientist4J 0.6's async mode, the reference. {@link #sharedUnboundedPool} is a
 * reference design written here, not a library: control and candidate are both submitted to one fixed pool of 2
 * threads with an unbounded queue, and the caller waits for the control's future.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(8)
@Fork(1)
public class ParallelRunIsolationBenchmark {

  private com.github.rawls238.scientist4j.Experiment<Integer> scientist4j;

  private static final long CONTROL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long CANDIDATE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private SimpleMeterRegistry registry;
  private ParallelRunner runner;
  private Experiment<Integer, Integer, Integer> experiment;
  private ThreadPoolExecutor sharedPool;
  private final Integer input = 7;

  static Integer control(Integer x) {
    waitFor(CONTROL_NANOS);
    return x;
  }

  static Integer candidate(Integer x) {
    waitFor(CANDIDATE_NANOS);
    return x;
  }

  /** Waits like a remote call would, without using CPU; parkNanos may return early, so loop to the deadline. */
  private static void waitFor(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    registry = new SimpleMeterRegistry();
    runner = ParallelRunner.builder().meterRegistry(registry).threads(4).timeout(Duration.ofMillis(100))
        .mismatchLog(0, Duration.ofSeconds(10)).build();
    experiment = Experiment.<Integer, Integer, Integer>builder("isolation", runner)
        .control(ParallelRunIsolationBenchmark::control)
        .candidate("slow", ParallelRunIsolationBenchmark::candidate)
        .build();
    sharedPool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    scientist4j = new com.github.rawls238.scientist4j.Experiment<>("scientist4j");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    StringBuilder counts = new StringBuilder("\noutcomes:");
    for (Counter counter : registry.find("progressive.parallelrun.comparisons").counters()) {
      if (counter.count() > 0) {
        counts.append(' ').append(counter.getId().getTag("outcome")).append('=').append((long) counter.count());
      }
    }
    System.out.println(counts + "  queueHighWaterMark=" + runner.stats().queueHighWaterMark() + "/"
        + runner.stats().queueCapacity() + "  sharedUnboundedPool.queue=" + sharedPool.getQueue().size());
    runner.close();
    sharedPool.shutdownNow();
  }

  @Benchmark
  public Integer bareControl() {
    return control(input);
  }

  @Benchmark
  public Integer progressiveAsync() throws Exception {
    return experiment.run(input);
  }

  /** Scientist4J 0.6, the reference, in its async mode, with its default pool. */
  @Benchmark
  public Integer scientist4jRunAsync() throws Exception {
    return scientist4j.runAsync(() -> control(input), () -> candidate(input));
  }

  @Benchmark
  public Integer sharedUnboundedPool() throws Exception {
    ExecutorService pool = sharedPool;
    Future<Integer> control = pool.submit(() -> control(input));
    pool.submit(() -> candidate(input));
    return control.get();
  }
}
