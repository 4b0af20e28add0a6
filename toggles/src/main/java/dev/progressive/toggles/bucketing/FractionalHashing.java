package dev.progressive.toggles.bucketing;

/**
 * How {@code fractional} (and canary routing) turns a bucket key into a bucket. Kept behind an interface so that a
 * new version of flagd's hashing can be added without touching any caller.
 *
 * <p>Implementations are stateless, thread-safe and allocate nothing.
 */
public interface FractionalHashing {

  /**
   * The bucket, in {@code [0, totalWeight)}, of the key formed by {@code prefix} followed by {@code key} (hashed as
   * their concatenation in UTF-8, without building it).
   *
   * @param prefix the first part of the bucket key, may be empty
   * @param key the second part of the bucket key, may be empty
   * @param totalWeight the sum of the weights, at least 1
   */
  long bucket(CharSequence prefix, CharSequence key, long totalWeight);

  /**
   * Bucketing for keys that all follow one fixed prefix (the flag key of a {@code fractional} rule): an
   * implementation may do the prefix's work once here. The default hashes the prefix on every call.
   */
  default Prepared prepare(CharSequence prefix) {
    String fixed = prefix.toString();
    return (key, totalWeight) -> bucket(fixed, key, totalWeight);
  }

  /** Buckets keys after a fixed prefix; see {@link #prepare}. Thread-safe, allocates nothing. */
  @FunctionalInterface
  interface Prepared {
    /** The same as {@code bucket(prefix, key, totalWeight)} of the hashing that prepared it. */
    long bucket(CharSequence key, long totalWeight);
  }

  /**
   * flagd's v2 bucketing: murmur3 32-bit x86, seed 0, over the UTF-8 bytes of the bucket key, and
   * {@code bucket = (unsigned hash * totalWeight) >>> 32}.
   */
  static FractionalHashing v2() {
    return FractionalV2.INSTANCE;
  }
}
