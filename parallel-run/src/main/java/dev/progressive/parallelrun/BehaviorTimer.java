package dev.progressive.parallelrun;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Runs one behaviour and records what it did: its value or exception, its wall time and, when asked, its CPU time on
 * the running thread.
 */
final class BehaviorTimer {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final boolean measureCpu;

  BehaviorTimer(boolean measureCpu) {
    this.measureCpu = measureCpu && THREADS.isCurrentThreadCpuTimeSupported();
  }

  /** The current thread's CPU time, or {@code -1} when CPU time is not measured. */
  long cpuNow() {
    return measureCpu ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /** The CPU time since {@code cpuStart}, or {@code -1} when it was not measured. */
  long cpuSince(long cpuStart) {
    return cpuStart < 0 ? -1 : THREADS.getCurrentThreadCpuTime() - cpuStart;
  }

  /** Runs a behaviour; never throws: what it throws is in the run. */
  <I, V> BehaviorRun<V> run(String behaviorName, Behavior<I, ? extends V> behavior, I input) {
    long cpuStart = cpuNow();
    return runFrom(System.nanoTime(), cpuStart, behaviorName, behavior, input);
  }

  /** Runs a behaviour whose clocks were read just before, so that back-to-back behaviours share a reading. */
  <I, V> BehaviorRun<V> runFrom(long start, long cpuStart, String behaviorName, Behavior<I, ? extends V> behavior,
      I input) {
    V value = null;
    Throwable thrown = null;
    try {
      value = behavior.call(input);
    } catch (Throwable t) {
      thrown = t;
    }
    long wall = System.nanoTime() - start;
    return new BehaviorRun<>(behaviorName, value, thrown, wall, cpuSince(cpuStart));
  }
}
