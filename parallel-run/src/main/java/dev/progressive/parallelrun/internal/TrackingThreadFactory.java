package dev.progressive.parallelrun.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes named daemon threads and remembers the live ones, so that {@code close()} can wait until every one of them
 * has ended, not merely until its executor says it terminated.
 */
public final class TrackingThreadFactory implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();

  /**
   * Creates a factory.
   *
   * @param prefix the thread name prefix; threads are named {@code prefix-1}, {@code prefix-2}, ...
   */
  public TrackingThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread[] self = new Thread[1];
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } finally {
        live.remove(self[0]);
      }
    }, prefix + "-" + count.incrementAndGet());
    self[0] = thread;
    thread.setDaemon(true);
    live.add(thread);
    return thread;
  }

  /** The names of the threads made here that are still alive, sorted. */
  public java.util.List<String> alive() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (Thread thread : Set.copyOf(live)) {
      if (thread.isAlive()) {
        names.add(thread.getName());
      }
    }
    java.util.Collections.sort(names);
    return names;
  }

  /**
   * Waits for every thread made here to end.
   *
   * @param timeout the longest wait in total
   * @return whether all ended in time
   */
  public boolean joinAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : Set.copyOf(live)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return live.isEmpty();
      }
      try {
        thread.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    for (Thread thread : Set.copyOf(live)) {
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }
}
