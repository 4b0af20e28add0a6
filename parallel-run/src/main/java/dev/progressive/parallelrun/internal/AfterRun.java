package dev.progressive.parallelrun.internal;

/**
 * A task of a {@link PollingExecutor} with a last step that must come after its thread is counted as looking for
 * work again: the executor calls {@link #afterRun()} once {@code run()} has returned or thrown. A candidate gives its
 * bulkhead permit back there, so that a caller who takes the permit finds the thread polling and need not wake
 * another one.
 */
public interface AfterRun {

  /** Called on the executor's thread after {@code run()}, exactly once per run; must not throw. */
  void afterRun();
}
