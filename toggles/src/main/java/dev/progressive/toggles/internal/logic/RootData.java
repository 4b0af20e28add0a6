package dev.progressive.toggles.internal.logic;

/**
 * The data of one flag evaluation, seen by {@code var} at the top level: the caller's context enriched as flagd
 * enriches it, with {@code targetingKey}, {@code $flagd.flagKey} and {@code $flagd.timestamp}. It is read in place;
 * nothing is copied into a map per evaluation.
 */
public interface RootData {

  /**
   * A top-level attribute of the context, or null. {@code "targetingKey"} answers the targeting key when the context
   * has no attribute of that name. Names starting with {@code $flagd} are not asked here: the compiler resolves
   * {@code $flagd.flagKey} to a constant and {@code $flagd.timestamp} through {@link #timestampSeconds()}.
   */
  Object attribute(String name);

  /** The targeting key, or null. */
  String targetingKey();

  /** The key of the flag being evaluated. */
  String flagKey();

  /** The evaluation time in whole seconds since the epoch, from the evaluator's clock. */
  long timestampSeconds();

  /**
   * Tells evaluations apart when the same data object serves one after the other (a thread's reused data): a value
   * that changes from one evaluation to the next. Used to share one {@link Limits#MAX_WORK} budget among the
   * iterations of an evaluation. The default, 0, gives each iteration a budget of its own.
   */
  default long evaluation() {
    return 0;
  }
}
