package dev.progressive.parallelrun.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A bounded executor queue that remembers the largest size it has reached, for tests and benchmarks. */
public final class BoundedQueue extends ArrayBlockingQueue<Runnable> {

  private static final long serialVersionUID = 1L;

  private final AtomicInteger highWaterMark = new AtomicInteger();

  /**
   * Creates the queue.
   *
   * @param capacity its bound
   */
  public BoundedQueue(int capacity) {
    super(capacity);
  }

  @Override
  public boolean offer(Runnable task) {
    boolean added = super.offer(task);
    if (added) {
      highWaterMark.accumulateAndGet(size(), Math::max);
    }
    return added;
  }

  /** The largest size seen after an offer. */
  public int highWaterMark() {
    return highWaterMark.get();
  }
}
