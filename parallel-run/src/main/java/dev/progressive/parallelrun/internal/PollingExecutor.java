package dev.progressive.parallelrun.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of threads that take tasks from a bounded queue, and that poll it when idle instead of being woken.
 * While tasks keep coming, {@link #execute} makes no system call to wake a thread: the caller only does a bounded
 * enqueue and reads the threads' states, which keeps its cost in the hundreds of nanoseconds.
 *
 * <p>Each thread is in one of three states. {@code RUNNING}: it is taking or running a task, and looks at the queue
 * when the task ends. {@code POLLING}: it is idle and parks for one poll interval at a time, so it sees a new task
 * within one interval without being woken. {@code DEEP}: it found nothing for longer and parks for twice as long each
 * time, up to {@value #MAX_IDLE_PARK_MILLIS} ms, so that a long-idle executor wakes a few dozen times a second, not a
 * thousand; such a thread must be woken to take a task at once. {@link #execute} wakes one deeply parked thread only
 * when no thread is polling: a polling thread takes the task within one poll interval anyway, and the wake-up (a
 * {@code futex} system call, 0.3 to 0.5 µs on a virtual machine) is what callers must not pay.
 *
 * <p>No task is left in the queue while a thread could take it. A thread writes its state, then looks at the queue;
 * a caller puts its task in the queue, then reads the states. Either the thread sees the task, or the caller sees the
 * state: a thread that announces a deep park looks at the queue once more before parking, and a caller that finds
 * no polling thread wakes a deeply parked one. A polling thread that takes some other task looks at the queue again
 * as it leaves the polling state and, when a task still waits and no other thread polls, wakes a deeply parked one
 * itself. So a task waits at most one poll interval for an idle thread, or until a busy thread finishes when all are
 * busy.
 *
 * <p>The queue holds at most {@code capacity} tasks; beyond that, {@link #execute} throws
 * {@link RejectedExecutionException}. A task that implements {@link AfterRun} gets its last step called once its
 * thread is back in the polling state.
 */
public final class PollingExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(PollingExecutor.class);

  /** Taking or running a task; looks at the queue when it ends. */
  static final int RUNNING = 0;
  /** Idle; parks one poll interval at a time, and so sees a new task within one interval. */
  static final int POLLING = 1;
  /** Idle for longer; parks up to the longest idle park, and must be woken to take a task at once. */
  static final int DEEP = 2;

  static final long MAX_IDLE_PARK_MILLIS = 50;

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger highWaterMark = new AtomicInteger();
  private final int capacity;
  private final long pollNanos;
  private final long maxIdleParkNanos;
  private final Parker parker;
  private final Thread[] workers;
  /** Per worker: {@link #RUNNING}, {@link #POLLING} or {@link #DEEP}. Callers change only DEEP to POLLING. */
  private final AtomicIntegerArray states;
  /** Per worker: how long its current park is, in nanoseconds; 0 while it works. For tests. */
  private final AtomicLongArray parkNanos;
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
    this(threads, capacity, pollInterval, Duration.ofMillis(MAX_IDLE_PARK_MILLIS), factory, Parker.LOCK_SUPPORT);
  }

  /** As above, with the longest park of an idle thread and how threads park; for tests. */
  PollingExecutor(int threads, int capacity, Duration pollInterval, Duration maxIdlePark, ThreadFactory factory,
      Parker parker) {
    if (threads < 1 || capacity < 1) {
      throw new IllegalArgumentException("threads and capacity must be at least 1, not " + threads + " and "
          + capacity);
    }
    this.capacity = capacity;
    this.pollNanos = pollInterval.toNanos();
    this.maxIdleParkNanos = Math.max(pollNanos, maxIdlePark.toNanos());
    this.parker = parker;
    this.workers = new Thread[threads];
    this.states = new AtomicIntegerArray(threads);
    this.parkNanos = new AtomicLongArray(threads);
    for (int i = 0; i < threads; i++) {
      int index = i;
      // A thread that has not started yet polls as soon as it starts: no caller needs to wake it.
      states.set(i, POLLING);
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
    wakeOneIfNonePolls();
  }

  /** Called after a task was queued: wakes one deeply parked thread, unless a thread polls and will take the task. */
  private void wakeOneIfNonePolls() {
    for (int i = 0; i < workers.length; i++) {
      if (states.get(i) == POLLING) {
        return;
      }
    }
    for (int i = 0; i < workers.length; i++) {
      if (states.compareAndSet(i, DEEP, POLLING)) {
        parker.unpark(workers[i]);
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
    while (!shutdown) {
      Runnable task = queue.poll();
      if (task == null && park > pollNanos && states.get(index) != DEEP) {
        // Announce the long park, then look once more: a task queued before the announcement is seen here, and the
        // caller of one queued after it finds the state and wakes this thread.
        parker.beforeAnnouncingDeepPark();
        states.set(index, DEEP);
        task = queue.poll();
      }
      if (task == null) {
        parkNanos.lazySet(index, park);
        parker.park(this, park);
        park = Math.min(park * 2, maxIdleParkNanos);
        continue;
      }
      // Leaving the idle states, look at the queue again: a caller who saw this thread polling left its task to it.
      states.set(index, RUNNING);
      park = pollNanos;
      parkNanos.lazySet(index, 0);
      size.decrementAndGet();
      if (!queue.isEmpty()) {
        wakeOneIfNonePolls();
      }
      runQuietly(task);
      states.set(index, POLLING);
      if (task instanceof AfterRun last) {
        try {
          last.afterRun();
        } catch (Throwable e) {
          warn(e);
        }
      }
      if (!shutdown) {
        Thread.interrupted();
      }
    }
  }

  private static void runQuietly(Runnable task) {
    try {
      task.run();
    } catch (Throwable e) {
      // Whatever a task throws (a checked exception thrown sneakily included), the thread lives on.
      warn(e);
    }
  }

  private static void warn(Throwable e) {
    try {
      LOG.warn("A parallel-run task failed", e);
    } catch (Throwable ignored) {
      // Nothing more can be done for it.
    }
  }

  /** The state of one thread: {@link #RUNNING}, {@link #POLLING} or {@link #DEEP}; for tests. */
  int state(int worker) {
    return states.get(worker);
  }

  /** How many threads are idle and polling now; for tests and benchmarks. */
  public int pollingThreads() {
    return count(POLLING);
  }

  /** How many threads are idle in a deep park now, which a new task would have to wake; for tests and benchmarks. */
  public int deeplyParkedThreads() {
    return count(DEEP);
  }

  private int count(int state) {
    int n = 0;
    for (int i = 0; i < workers.length; i++) {
      if (states.get(i) == state) {
        n++;
      }
    }
    return n;
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
        parker.unpark(worker);
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
