package dev.progressive.toggles.bucketing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FractionalV2Test {

  private final FractionalHashing hashing = FractionalHashing.v2();

  @Test
  void isTheSingleV2Instance() {
    assertThat(hashing).isSameAs(FractionalV2.INSTANCE);
  }

  @Test
  void bucketIsTheUnsignedHashScaledToTheTotalWeight() {
    int hash = Murmur3.hash32("fractional-flag", "jack", 0);
    long expected = ((hash & 0xffffffffL) * 100) >>> 32;
    assertThat(hashing.bucket("fractional-flag", "jack", 100)).isEqualTo(expected);
  }

  @Test
  void scaleIsExactForExtremeHashesAndWeights() {
    long[] weights = {1, 2, 100, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE};
    int[] hashes = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x9fe843e0};
    for (long w : weights) {
      for (int h : hashes) {
        BigInteger exact = BigInteger.valueOf(h & 0xffffffffL).multiply(BigInteger.valueOf(w)).shiftRight(32);
        long bucket = FractionalV2.scale(h, w);
        assertThat(bucket).as("hash %08x weight %d", h, w).isEqualTo(exact.longValueExact());
        assertThat(bucket).isBetween(0L, w - 1);
      }
    }
  }

  @Test
  void everyBucketIsInRange() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long total = 1 + random.nextInt(1000);
      long bucket = hashing.bucket("flag", Integer.toString(random.nextInt()), total);
      assertThat(bucket).isBetween(0L, total - 1);
    }
  }

  @Test
  void fiftyFiftyIsRoughlyEven() {
    int low = 0;
    for (int i = 0; i < 20_000; i++) {
      if (hashing.bucket("flag", "user-" + i, 2) == 0) {
        low++;
      }
    }
    assertThat(low).isBetween(9_600, 10_400);
  }

  @Test
  void refusesATotalWeightBelowOne() {
    assertThatThrownBy(() -> hashing.bucket("a", "b", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("totalWeight");
    assertThatThrownBy(() -> hashing.bucket("a", "b", -5)).isInstanceOf(IllegalArgumentException.class);
  }
}
