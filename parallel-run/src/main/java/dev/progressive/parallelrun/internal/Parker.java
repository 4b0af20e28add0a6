package dev.progressive.parallelrun.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * How a {@link PollingExecutor}'s threads park and are woken: {@link LockSupport} in production, a parker that the
 * test drives in the executor's tests, so that they can hold a thread in a park and choose when it ends.
 */
interface Parker {

  /** Parks with {@link LockSupport}. */
  Parker LOCK_SUPPORT = new Parker() {
    @Override
    public void park(Object blocker, long nanos) {
      LockSupport.parkNanos(blocker, nanos);
    }

    @Override
    public void unpark(Thread thread) {
      LockSupport.unpark(thread);
    }
  };

  /**
   * Parks the current thread for at most {@code nanos}; may return earlier, as {@link LockSupport#parkNanos} may.
   * Returns at once when {@link #unpark} was called for this thread since its last park.
   */
  void park(Object blocker, long nanos);

  /** Ends the thread's current park, or its next one if it is not parked. */
  void unpark(Thread thread);

  /**
   * Called on a thread that found the queue empty, just before it announces a deep park; does nothing but in tests,
   * which hold the thread here to queue a task at that very moment.
   */
  default void beforeAnnouncingDeepPark() {
  }
}
