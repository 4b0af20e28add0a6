package dev.progressive.toggles.internal.logic;

/**
 * A targeting that is nothing but a percentage rollout: a {@code fractional} bucketed by the flag key and the
 * targeting key (flagd's default bucket key), with constant variants and weights. Its answer depends on the targeting
 * key alone, so a flag can resolve it without binding any evaluation data and can build the outcome of each bucket
 * in advance.
 *
 * <p>Answers are the same as {@link Expr#eval} of the same targeting for data with that targeting key.
 */
public interface KeyedSplit {

  /** The number of buckets. */
  int buckets();

  /**
   * The bucket that a targeting key falls into, or -1 when the targeting answers null (no targeting key, or a total
   * weight of 0). Allocates nothing.
   */
  int bucketOf(String targetingKey);

  /** What {@link Expr#eval} answers for a key in this bucket. */
  Object answer(int bucket);
}
