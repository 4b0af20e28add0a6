package dev.progressive.release.internal;

/**
 * What a plan's state asks of the thing it drives (a canary, or a flag's weights), made so. Idempotent: the writer
 * of a transition calls it, and the driver at every look, so an instance that died between the two leaves nothing
 * undone.
 */
interface StageEffects {

  /**
   * Brings what the plan drives in line with {@code s}.
   *
   * @param actor who made the transition (the driver for its looks)
   * @param why the transition and its evidence, for an audit
   * @throws RuntimeException when it cannot now; the caller logs it and the driver retries at its next look
   */
  void ensure(StoredPlan s, String actor, String why);

  /** What is brought in line, for logs: {@code canary 'pricing'}, {@code flag 'checkout-ui'}. */
  String what();
}
