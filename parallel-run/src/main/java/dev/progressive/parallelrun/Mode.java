package dev.progressive.parallelrun;

/** How an experiment runs its candidates. */
public enum Mode {
  /**
   * The default. The control runs on the caller's thread and its result returns as soon as it is ready. Candidates
   * run on the runner's bounded executor, behind its bulkhead and time limiter; comparison and publishing happen off
   * the caller's thread.
   */
  ASYNC,
  /**
   * Control and candidates run one after the other on the caller's thread, in a random order, and the comparison
   * happens there too. For code that must not use other threads. No time limit applies: a slow candidate slows the
   * caller.
   */
  SEQUENTIAL
}
