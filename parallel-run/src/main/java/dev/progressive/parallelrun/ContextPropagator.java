package dev.progressive.parallelrun;

/**
 * Carries thread-bound context (a tracing span, a security context, a locale) from the caller's thread to the
 * thread that runs a candidate in {@link Mode#ASYNC}. SLF4J's MDC is always carried; add a propagator for anything
 * else.
 */
@FunctionalInterface
public interface ContextPropagator {

  /**
   * Captures the context on the caller's thread.
   *
   * @return a snapshot that can be opened on another thread
   */
  Snapshot capture();

  /** Context captured on the caller's thread. */
  @FunctionalInterface
  interface Snapshot {

    /**
     * Installs the captured context on the current thread.
     *
     * @return what puts the previous context back; called when the candidate ends
     */
    Scope open();
  }

  /** An installed context; closing it restores what was there before. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
