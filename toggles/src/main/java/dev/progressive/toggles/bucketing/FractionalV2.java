package dev.progressive.toggles.bucketing;

/**
 * flagd's v2 bucketing: murmur3 32-bit x86 with seed 0 over the UTF-8 bytes of the bucket key, scaled to the total
 * weight with {@code (unsigned hash * totalWeight) >>> 32}. The product is computed on 128 bits, so any positive
 * total weight is exact.
 */
enum FractionalV2 implements FractionalHashing {
  INSTANCE;

  @Override
  public long bucket(CharSequence prefix, CharSequence key, long totalWeight) {
    if (totalWeight < 1) {
      throw new IllegalArgumentException("totalWeight must be at least 1, was " + totalWeight);
    }
    return scale(Murmur3.hash32(prefix, key, 0), totalWeight);
  }

  @Override
  public Prepared prepare(CharSequence prefix) {
    Murmur3.Prefix prepared = Murmur3.prefix(prefix, 0);
    return (key, totalWeight) -> {
      if (totalWeight < 1) {
        throw new IllegalArgumentException("totalWeight must be at least 1, was " + totalWeight);
      }
      return scale(Murmur3.hash32(prepared, key), totalWeight);
    };
  }

  /** {@code (hash as unsigned 32 bits * totalWeight) >>> 32}, without overflow. */
  static long scale(int hash, long totalWeight) {
    long unsigned = hash & 0xffffffffL;
    long low = unsigned * totalWeight;
    long high = Math.multiplyHigh(unsigned, totalWeight);
    return high << 32 | low >>> 32;
  }
}
