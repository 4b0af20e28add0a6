package dev.progressive.toggles.internal.logic;

import dev.progressive.toggles.bucketing.FractionalHashing;
import java.util.Map;

/**
 * flagd's {@code fractional}: hashes a bucket key into one of weighted buckets and returns that bucket's variant.
 *
 * <p>The bucket key is the first argument's value when it is a string; otherwise the flag key followed by the
 * targeting key (hashed as one string, without joining them); with no targeting key either, the answer is null. When
 * the key is a two-part {@code cat} (flagd's {@code {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.id"}]}}), its
 * two string parts are hashed without being joined. Weights below 0 count as 0; a total weight of 0 gives null.
 *
 * <p>In result position (see {@link Split}) the answer is wrapped in a {@link Split}, preallocated for constant
 * variants, so a typical rollout allocates nothing.
 */
final class Fractional extends Expr implements KeyedSplit {

  private final FractionalHashing hashing;
  private final FractionalHashing.Prepared byFlagKey;
  private final FractionalHashing.Prepared byConstantHead;
  private final String flagKey;
  /** The bucket key rule, or null to use the flag and targeting keys. */
  private final Expr key;
  /** The two parts of a {@code cat} bucket key, or null. */
  private final Expr keyHead;
  private final Expr keyTail;
  private final Expr[] variants;
  /** The preallocated answer for each constant variant: its value, or its {@link Split} in result position. */
  private final Object[] constantAnswers;
  private final boolean[] constant;
  /** The weight rules, or null when all weights are constant. */
  private final Expr[] weightRules;
  private final long[] weights;
  private final long totalWeight;
  private final boolean resultPosition;

  /**
   * @param flagKey the flag's key, or null to read it from the data at evaluation (a rule that flags share)
   * @param key the bucket key rule, or null
   * @param variants each bucket's variant rule
   * @param weightRules each bucket's weight rule; all constant (and non-negative integers) or not
   */
  Fractional(FractionalHashing hashing, String flagKey, Expr key, Expr[] variants, Expr[] weightRules,
      boolean resultPosition) {
    this.hashing = hashing;
    this.flagKey = flagKey;
    this.key = key;
    if (key instanceof StringOps.Cat cat && cat.parts().length == 2) {
      this.keyHead = cat.parts()[0];
      this.keyTail = cat.parts()[1];
    } else {
      this.keyHead = null;
      this.keyTail = null;
    }
    // The prefixes known now are hashed once: the flag key, and a constant first part of a cat bucket key.
    this.byFlagKey = flagKey == null ? null : hashing.prepare(flagKey);
    Object constantHead = keyHead != null && keyHead.isConstant() ? keyHead.eval(null) : null;
    this.byConstantHead = constantHead instanceof String head ? hashing.prepare(head) : null;
    this.variants = variants;
    this.resultPosition = resultPosition;
    int n = variants.length;
    this.constant = new boolean[n];
    this.constantAnswers = new Object[n];
    for (int i = 0; i < n; i++) {
      if (variants[i].isConstant()) {
        constant[i] = true;
        Object value = variants[i].eval(null);
        constantAnswers[i] = value != null && resultPosition ? new Split(value) : value;
      }
    }
    boolean allConstant = true;
    for (Expr w : weightRules) {
      allConstant &= w.isConstant();
    }
    if (allConstant) {
      this.weightRules = null;
      this.weights = new long[n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = weightOf(weightRules[i].eval(null));
        total += weights[i];
      }
      this.totalWeight = total;
    } else {
      this.weightRules = weightRules;
      this.weights = null;
      this.totalWeight = 0;
    }
  }

  @Override
  public KeyedSplit keyedSplit() {
    if (key != null || byFlagKey == null || weightRules != null) {
      return null;
    }
    for (boolean c : constant) {
      if (!c) {
        return null;
      }
    }
    return this;
  }

  @Override
  public int buckets() {
    return variants.length;
  }

  @Override
  public int bucketOf(String targetingKey) {
    if (targetingKey == null || totalWeight <= 0) {
      return -1;
    }
    return choose(weights, totalWeight, byFlagKey.bucket(targetingKey, totalWeight));
  }

  @Override
  public Object answer(int bucket) {
    return constantAnswers[bucket];
  }

  /** A weight value as a bucket size: truncated, at least 0, at most Integer.MAX_VALUE; -1 when not a number. */
  static long weightOf(Object value) {
    if (!(value instanceof Number n)) {
      return -1;
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || d <= 0) {
      return 0;
    }
    return (long) Math.min(d, Integer.MAX_VALUE);
  }

  /** The key of the flag being evaluated, for a rule shared by several flags (in an evaluator). */
  private static String flagKeyOf(Object data) {
    if (data instanceof RootData root) {
      return root.flagKey();
    }
    RootData root = Budget.current().root();
    return root == null || root.flagKey() == null ? "" : root.flagKey();
  }

  private static String targetingKey(Object data) {
    if (data instanceof RootData root) {
      return root.targetingKey();
    }
    if (data instanceof Map<?, ?> map && map.get(VarOps.TARGETING_KEY) instanceof String s) {
      return s;
    }
    return null;
  }

  @Override
  public Object eval(Object data) {
    CharSequence head = null;
    CharSequence tail = null;
    FractionalHashing.Prepared prepared = null;
    if (keyHead != null) {
      if (byConstantHead != null) {
        prepared = byConstantHead;
      } else {
        head = StringOps.Cat.part(keyHead.eval(data));
      }
      tail = StringOps.Cat.part(keyTail.eval(data));
    } else if (key != null && key.eval(data) instanceof String s) {
      head = "";
      tail = s;
    }
    if (tail == null) {
      String targetingKey = targetingKey(data);
      if (targetingKey == null) {
        return null;
      }
      prepared = byFlagKey;
      if (prepared == null) {
        head = flagKeyOf(data);
      }
      tail = targetingKey;
    }
    int chosen;
    if (weightRules == null) {
      if (totalWeight <= 0) {
        return null;
      }
      chosen = choose(weights, totalWeight, prepared != null ? prepared.bucket(tail, totalWeight)
          : hashing.bucket(head, tail, totalWeight));
    } else {
      long[] dynamicWeights = new long[weightRules.length];
      long total = 0;
      for (int i = 0; i < weightRules.length; i++) {
        long w = weightOf(weightRules[i].eval(data));
        if (w < 0) {
          return null;
        }
        dynamicWeights[i] = w;
        total += w;
      }
      if (total <= 0) {
        return null;
      }
      chosen = choose(dynamicWeights, total, prepared != null ? prepared.bucket(tail, total)
          : hashing.bucket(head, tail, total));
    }
    if (constant[chosen]) {
      return constantAnswers[chosen];
    }
    Object value = variants[chosen].eval(data);
    return value != null && resultPosition ? new Split(value) : value;
  }

  private static int choose(long[] weights, long total, long bucket) {
    long end = 0;
    for (int i = 0; i < weights.length; i++) {
      end += weights[i];
      if (bucket < end) {
        return i;
      }
    }
    // unreachable: bucket < total == end after the last bucket
    return weights.length - 1;
  }
}
