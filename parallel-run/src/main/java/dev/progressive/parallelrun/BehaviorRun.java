package dev.progressive.parallelrun;

import java.time.Duration;

/**
 * One run of one behaviour (the control or a candidate) for one call: its value or its exception, and how long it
 * took. (Named so as not to be confused with Micrometer's {@code Observation}.)
 *
 * @param name {@code control}, or the candidate's name
 * @param value the value returned, possibly {@code null}; always {@code null} when {@code exception} is set
 * @param exception what the behaviour threw, or {@code null}
 * @param wallTimeNanos elapsed wall-clock time in nanoseconds
 * @param cpuTimeNanos CPU time of the running thread in nanoseconds, or {@code -1} when not measured
 * @param <V> the value type
 */
public record BehaviorRun<V>(String name, V value, Throwable exception, long wallTimeNanos, long cpuTimeNanos) {

  /** Whether the behaviour threw. */
  public boolean threw() {
    return exception != null;
  }

  /** The wall-clock time as a {@link Duration}. */
  public Duration wallTime() {
    return Duration.ofNanos(wallTimeNanos);
  }

  /** Whether CPU time was measured (see {@link Experiment.Builder#measureCpuTime(boolean)}). */
  public boolean hasCpuTime() {
    return cpuTimeNanos >= 0;
  }
}
