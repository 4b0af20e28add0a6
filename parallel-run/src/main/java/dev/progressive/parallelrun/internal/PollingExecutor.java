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
 * {@link #execute} therefore never makes a system call to wake a thread: the caller only does a bounded enqueue,
 * which keeps its cost in the hundreds of nanoseconds even when every thread is idle. The price is that an idle
 * thread wakes up once per poll interval, and a task waits at most that long before it starts; neither matters for
 * the candidates of a parallel run, whose latency nobody waits for.
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
    this.capacity = capacity;
    this.pollNanos = pollInterval.toNanos();
    this.workers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = factory.newThread(this::work);
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
  }

  private synchronized void start() {
    if (!started && !shutdown) {
      for (Thread worker : workers) {
        worker.start();
      }
      started = true;
    }
  }

  private void work() {
    while (!shutdown) {
      Runnable task = queue.poll();
      if (task == null) {
        LockSupport.parkNanos(this, pollNanos);
        continue;
      }
      size.decrementAndGet();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("A parallel-run task failed", e);
      }
      if (!shutdown) {
        Thread.interrupted();
      }
    }
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

  /** Stops taking tasks, drops the queued ones and interrupts the threads. */
  public synchronized void shutdownNow() {
    shutdown = true;
    queue.clear();
    size.set(0);
    if (started) {
      for (Thread worker : workers) {
        worker.interrupt();
        LockSupport.unpark(worker);
      }
    }
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
