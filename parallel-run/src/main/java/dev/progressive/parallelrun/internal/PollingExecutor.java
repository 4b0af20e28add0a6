package dev.progressive.parallelrun.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of threads that take tasks from a bounded queue, and that poll it when idle instead of being woken.
 * While tasks keep coming, {@link #execute} makes no system call to wake a thread: the caller only does a bounded
 * enqueue, which keeps its cost in the hundreds of nanoseconds. A thread that finds the queue empty parks for the
 * poll interval, then for twice as long each time it finds nothing, up to {@value #MAX_IDLE_PARK_MILLIS} ms: a
 * long-idle executor wakes a few dozen times a second, not a thousand. Only a thread parked longer than the poll
 * interval is woken by {@link #execute}, so the first task after a quiet spell pays one wake-up and later ones none.
 * A task waits at most one poll interval to start while the executor is busy; that does not matter for the
 * candidates of a parallel run, whose latency nobody waits for.
 *
 * <p>The queue holds at most {@code capacity} tasks; beyond that, {@link #execute} throws
 * {@link RejectedExecutionException}.
 */
public final class PollingExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(PollingExecutor.class);

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger highWaterMark = new AtomicInteger();
  private final int capacity;
  private final long pollNanos;
  private final Thread[] workers;
  /** Per worker: whether it is parked longer than the poll interval, and so must be woken by a new task. */
  private final java.util.concurrent.atomic.AtomicIntegerArray deeplyParked;
  private final AtomicInteger deeplyParkedCount = new AtomicInteger();
  /** Per worker: how long its current park is, in nanoseconds; 0 while it works. For tests. */
  private final java.util.concurrent.atomic.AtomicLongArray parkNanos;
  static final long MAX_IDLE_PARK_MILLIS = 50;
  private final long maxIdleParkNanos;
  private volatile boolean started;
  private volatile boolean shutdown;

  /**
   * Creates the executor; its threads start with the first task.
   *
   * @param threads how many threads
   * @param capacity the queue's bound
   * @param pollInterval how often an idle thread looks at the queue
   * @param factory makes the threads
   */
  public PollingExecutor(int threads, int capacity, Duration pollInterval, ThreadFactory factory) {
    this(threads, capacity, pollInterval, Duration.ofMillis(MAX_IDLE_PARK_MILLIS), factory);
  }

  /** As above, with the longest park of an idle thread. */
  PollingExecutor(int threads, int capacity, Duration pollInterval, Duration maxIdlePark, ThreadFactory factory) {
    this.maxIdleParkNanos = maxIdlePark.toNanos();
    this.capacity = capacity;
    this.pollNanos = pollInterval.toNanos();
    this.workers = new Thread[threads];
    this.deeplyParked = new java.util.concurrent.atomic.AtomicIntegerArray(threads);
    this.parkNanos = new java.util.concurrent.atomic.AtomicLongArray(threads);
    for (int i = 0; i < threads; i++) {
      int index = i;
      workers[i] = factory.newThread(() -> work(index));
    }
  }

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("The executor is shut down");
    }
    int queued = size.incrementAndGet();
    if (queued > capacity) {
      size.decrementAndGet();
      throw new RejectedExecutionException("The queue is full (" + capacity + " tasks)");
    }
    queue.offer(task);
    if (queued > highWaterMark.get()) {
      highWaterMark.accumulateAndGet(queued, Math::max);
    }
    if (!started) {
      start();
    }
    if (deeplyParkedCount.get() > 0) {
      wakeOneDeeplyParked();
    }
  }

  private void wakeOneDeeplyParked() {
    for (int i = 0; i < workers.length; i++) {
      if (deeplyParked.compareAndSet(i, 1, 0)) {
        deeplyParkedCount.decrementAndGet();
        LockSupport.unpark(workers[i]);
        return;
      }
    }
  }

  private synchronized void start() {
    if (!started && !shutdown) {
      for (Thread worker : workers) {
        worker.start();
      }
      started = true;
    }
  }

  private void work(int index) {
    long park = pollNanos;
    long maxPark = Math.max(pollNanos, maxIdleParkNanos);
    while (!shutdown) {
      Runnable task = queue.poll();
      if (task == null) {
        if (park > pollNanos) {
          // Announce the long park, then look once more: a task offered before the announcement is seen here, and
          // one offered after it finds the flag and wakes this thread.
          if (deeplyParked.compareAndSet(index, 0, 1)) {
            deeplyParkedCount.incrementAndGet();
          }
          task = queue.poll();
        }
        if (task == null) {
          parkNanos.lazySet(index, park);
          LockSupport.parkNanos(this, park);
          park = Math.min(park * 2, maxPark);
          continue;
        }
      }
      if (deeplyParked.compareAndSet(index, 1, 0)) {
        deeplyParkedCount.decrementAndGet();
      }
      park = pollNanos;
      parkNanos.lazySet(index, 0);
      size.decrementAndGet();
      try {
        task.run();
      } catch (Throwable e) {
        // Whatever a task throws (a checked exception thrown sneakily included), the thread lives on.
        try {
          LOG.warn("A parallel-run task failed", e);
        } catch (Throwable ignored) {
          // Nothing more can be done for it.
        }
      }
      if (!shutdown) {
        Thread.interrupted();
      }
    }
  }

  /** The shortest current park of the threads, in nanoseconds; for tests. */
  long shortestPark() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < workers.length; i++) {
      min = Math.min(min, parkNanos.get(i));
    }
    return min;
  }

  /** Tasks waiting now. */
  public int queueSize() {
    return size.get();
  }

  /** The most tasks that ever waited at once. */
  public int highWaterMark() {
    return highWaterMark.get();
  }

  /** The queue's bound. */
  public int capacity() {
    return capacity;
  }

  /**
   * Stops taking tasks, drops the queued ones and interrupts the threads.
   *
   * @return the tasks that were dropped unrun
   */
  public synchronized java.util.List<Runnable> shutdownNow() {
    shutdown = true;
    java.util.List<Runnable> dropped = new java.util.ArrayList<>();
    for (Runnable task = queue.poll(); task != null; task = queue.poll()) {
      dropped.add(task);
    }
    size.set(0);
    if (started) {
      for (Thread worker : workers) {
        worker.interrupt();
        LockSupport.unpark(worker);
      }
    }
    return dropped;
  }

  /**
   * Waits for the threads to end after {@link #shutdownNow()}.
   *
   * @param timeout the longest wait in total
   * @return whether all ended in time
   */
  public boolean awaitTermination(Duration timeout) {
    if (!started) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread worker : workers) {
      long left = deadline - System.nanoTime();
      try {
        worker.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    for (Thread worker : workers) {
      if (worker.isAlive()) {
        return false;
      }
    }
    return true;
  }
}
