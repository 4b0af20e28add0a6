package dev.progressive.parallelrun;

import dev.progressive.parallelrun.internal.Arguments;
import dev.progressive.parallelrun.internal.Droppable;
import dev.progressive.parallelrun.internal.PollingExecutor;
import dev.progressive.parallelrun.internal.TrackingThreadFactory;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what experiments share: a fixed set of candidate threads behind a Resilience4j {@link Bulkhead}, a
 * {@link TimeLimiter} that cancels slow candidates, a single thread for comparisons handed off by callers, the meter
 * registry, and the registry of experiments by name. Nothing in it is unbounded: the bulkhead has as many permits as
 * there are threads, the candidate queue holds at most that many tasks, and the comparison queue has a fixed
 * capacity. {@link #close()} stops every thread it started and waits, for a bounded time, until each has ended; a
 * candidate that ignores interrupts keeps its thread (and its bulkhead permit) until it returns, which the
 * {@code progressive.parallelrun.threads} gauge ({@code state=overdue}) and {@link #stats()} show.
 *
 * <pre>{@code
 * try (ParallelRunner runner = ParallelRunner.builder().meterRegistry(registry).threads(4)
 *     .timeout(Duration.ofMillis(200)).build()) {
 *   ...
 * }
 * }</pre>
 */
public final class ParallelRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ParallelRunner.class);

  private final MeterRegistry meterRegistry;
  private final Clock clock;
  private final int threads;
  private final Bulkhead bulkhead;
  private final TimeLimiter timeLimiter;
  private final PollingExecutor candidateExecutor;
  private final PollingExecutor comparisonExecutor;
  private final ScheduledThreadPoolExecutor timeoutScheduler;
  private final TrackingThreadFactory threadFactory;
  private final int mismatchLogLimit;
  private final Duration mismatchLogInterval;
  private final Map<String, Experiment<?, ?, ?>> experiments = new ConcurrentHashMap<>();
  private final Duration closeTimeout;
  /** Candidates running now, on the candidate threads. */
  private final AtomicInteger busy = new AtomicInteger();
  /** Candidates still running past their time limit, after their thread was interrupted. */
  private final AtomicInteger overdue = new AtomicInteger();
  private volatile boolean closed;

  private ParallelRunner(Builder builder) {
    this.meterRegistry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
    this.clock = builder.clock;
    this.threads = builder.threads;
    this.mismatchLogLimit = builder.mismatchLogLimit;
    this.mismatchLogInterval = builder.mismatchLogInterval;
    this.bulkhead = Bulkhead.of(builder.name, BulkheadConfig.custom()
        .maxConcurrentCalls(threads)
        .maxWaitDuration(Duration.ZERO)
        .build());
    this.timeLimiter = TimeLimiter.of(builder.name, TimeLimiterConfig.custom()
        .timeoutDuration(builder.timeout)
        .cancelRunningFuture(true)
        .build());
    this.threadFactory = new TrackingThreadFactory("progressive-parallel-run-" + builder.name);
    this.candidateExecutor = new PollingExecutor(threads, threads, builder.idlePollInterval, threadFactory);
    this.comparisonExecutor = new PollingExecutor(1, builder.comparisonQueueCapacity, builder.idlePollInterval,
        threadFactory);
    this.timeoutScheduler = new ScheduledThreadPoolExecutor(1, threadFactory);
    this.timeoutScheduler.setRemoveOnCancelPolicy(true);
    this.closeTimeout = builder.closeTimeout;
    Gauge.builder(THREADS, busy, AtomicInteger::get)
        .description("Candidate threads of a parallel runner that are running a candidate (busy), and those whose "
            + "candidate outlived its time limit and ignored the interrupt (overdue)")
        .tag("runner", builder.name).tag("state", "busy")
        .register(meterRegistry);
    Gauge.builder(THREADS, overdue, AtomicInteger::get)
        .description("Candidate threads of a parallel runner that are running a candidate (busy), and those whose "
            + "candidate outlived its time limit and ignored the interrupt (overdue)")
        .tag("runner", builder.name).tag("state", "overdue")
        .register(meterRegistry);
  }

  /** The gauge of candidate threads, tagged {@code runner} and {@code state} = {@code busy} or {@code overdue}. */
  public static final String THREADS = "progressive.parallelrun.threads";

  /** Starts a builder: 2 threads, 1 s time limit, a private meter registry, 1 mismatch log line per 10 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registry the meters go to. */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The experiments built on this runner. */
  public Collection<Experiment<?, ?, ?>> experiments() {
    return List.copyOf(experiments.values());
  }

  /**
   * Finds an experiment by name.
   *
   * @param name its name
   * @return the experiment, if one was built here
   */
  public Optional<Experiment<?, ?, ?>> experiment(String name) {
    return Optional.ofNullable(experiments.get(name));
  }

  /**
   * The Resilience4j bulkhead in front of the candidate threads. Not public: the runner builds it from
   * {@code threads}, and {@link #stats()} reports its free permits.
   */
  Bulkhead bulkhead() {
    return bulkhead;
  }

  /** The Resilience4j time limiter applied to each candidate; not public, built from the runner's timeout. */
  TimeLimiter timeLimiter() {
    return timeLimiter;
  }

  /** The current state of the executor and its bounds, with the busy and overdue candidate threads. */
  public RunnerStats stats() {
    return new RunnerStats(threads, candidateExecutor.capacity(), candidateExecutor.queueSize(),
        candidateExecutor.highWaterMark(), bulkhead.getMetrics().getAvailableConcurrentCalls(),
        comparisonExecutor.capacity(), busy.get(), overdue.get());
  }

  void candidateStarted() {
    busy.incrementAndGet();
  }

  void candidateOverdue() {
    overdue.incrementAndGet();
  }

  void candidateEnded(boolean wasOverdue) {
    busy.decrementAndGet();
    if (wasOverdue) {
      overdue.decrementAndGet();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the runner and waits up to {@link Builder#closeTimeout(Duration)} (5 s by default) for its threads; see
   * {@link #shutdown(Duration)}. The threads it could not stop are logged at WARN, by name.
   */
  @Override
  public void close() {
    List<String> alive = shutdown(closeTimeout);
    if (!alive.isEmpty()) {
      LOG.warn("Parallel runner: {} thread(s) still running a candidate that ignores interrupts, left behind as "
          + "daemon threads: {}", alive.size(), alive);
    }
  }

  /**
   * Stops the runner: new candidates are rejected (experiments keep working by running the control alone), queued
   * candidates and comparisons are dropped and counted as {@code rejected}, running candidates are interrupted, and
   * the call waits, at most {@code wait} in all, until every thread the runner started has ended. A candidate that
   * ignores interrupts cannot be stopped: its thread (a daemon) stays until the candidate returns, and its name is
   * in the answer.
   *
   * @param wait the longest wait
   * @return the names of the runner's threads still alive after the wait; empty when all have ended
   */
  public List<String> shutdown(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    closed = true;
    long deadline = System.nanoTime() + wait.toNanos();
    dropAll(candidateExecutor.shutdownNow());
    dropAll(comparisonExecutor.shutdownNow());
    timeoutScheduler.shutdownNow();
    candidateExecutor.awaitTermination(left(deadline));
    comparisonExecutor.awaitTermination(left(deadline));
    try {
      timeoutScheduler.awaitTermination(left(deadline).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threadFactory.joinAll(left(deadline));
    return threadFactory.alive();
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static void dropAll(List<Runnable> dropped) {
    for (Runnable task : dropped) {
      if (task instanceof Droppable droppable) {
        try {
          droppable.dropped();
        } catch (Throwable t) {
          LOG.warn("Parallel runner: a dropped task failed to account for itself", t);
        }
      }
    }
  }

  void register(Experiment<?, ?, ?> experiment) {
    if (experiments.putIfAbsent(experiment.name(), experiment) != null) {
      throw new IllegalArgumentException("An experiment named '" + experiment.name()
          + "' already exists on this runner");
    }
  }

  Clock clock() {
    return clock;
  }

  int mismatchLogLimit() {
    return mismatchLogLimit;
  }

  Duration mismatchLogInterval() {
    return mismatchLogInterval;
  }

  Executor candidateExecutor() {
    return candidateExecutor;
  }

  Executor comparisonExecutor() {
    return comparisonExecutor;
  }

  ScheduledThreadPoolExecutor timeoutScheduler() {
    return timeoutScheduler;
  }

  /** Builds a {@link ParallelRunner}. Every setter checks its argument at once. */
  public static final class Builder {
    private String name = "default";
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();
    private int threads = 2;
    private Duration timeout = Duration.ofSeconds(1);
    private int comparisonQueueCapacity = 1024;
    private Duration idlePollInterval = Duration.ofMillis(1);
    private int mismatchLogLimit = 1;
    private Duration mismatchLogInterval = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(5);

    private Builder() {
    }

    /**
     * Names the runner: its threads, bulkhead and time limiter carry the name.
     *
     * @param name a short name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Arguments.notBlank(name, "name");
      return this;
    }

    /**
     * The registry the meters go to. Without one, they go to a private {@link SimpleMeterRegistry}.
     *
     * @param registry the application's registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The clock of the mismatch log's rate limit and of mismatch timestamps.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How many candidates may run at once; also the number of bulkhead permits and the queue's bound.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = Arguments.atLeast(threads, 1, "threads");
      return this;
    }

    /**
     * How long a candidate may run before it is cancelled and counted as a timeout.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Arguments.positive(timeout, "timeout");
      return this;
    }

    /**
     * Bounds the queue of comparisons that callers hand off when their control finishes after the candidate.
     * When it is full, the comparison is dropped and counted as rejected.
     *
     * @param capacity at least 1
     * @return this builder
     */
    public Builder comparisonQueueCapacity(int capacity) {
      this.comparisonQueueCapacity = Arguments.atLeast(capacity, 1, "comparisonQueueCapacity");
      return this;
    }

    /**
     * How often an idle runner thread looks for work. Callers never wake a thread (that system call would cost them
     * microseconds); instead idle threads poll, so a candidate starts at most this long after its call. 1 ms by
     * default: about a thousand short wake-ups a second per idle thread.
     *
     * @param interval from 10 µs to 1 s
     * @return this builder
     */
    public Builder idlePollInterval(Duration interval) {
      this.idlePollInterval = Arguments.within(interval, Duration.ofNanos(10_000), Duration.ofSeconds(1),
          "idlePollInterval", "from 10 µs to 1 s");
      return this;
    }

    /**
     * Rate-limits the SLF4J log of mismatches, per experiment.
     *
     * @param limit lines per interval; 0 turns the log off
     * @param interval the interval, positive
     * @return this builder
     */
    public Builder mismatchLog(int limit, Duration interval) {
      this.mismatchLogLimit = Arguments.notNegative(limit, "limit");
      this.mismatchLogInterval = Arguments.positive(interval, "interval");
      return this;
    }

    /**
     * How long {@link ParallelRunner#close()} waits, in all, for the runner's threads to end.
     *
     * @param timeout positive; 5 s by default
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Arguments.positive(timeout, "closeTimeout");
      return this;
    }

    /** Builds the runner; its threads start with the first candidate. */
    public ParallelRunner build() {
      return new ParallelRunner(this);
    }
  }
}
