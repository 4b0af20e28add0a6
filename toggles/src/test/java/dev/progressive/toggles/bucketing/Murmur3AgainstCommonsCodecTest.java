package dev.progressive.toggles.bucketing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our MurmurHash3 against an independent implementation, commons-codec's {@link MurmurHash3#hash32x86}, on random
 * keys of every UTF-8 length (ASCII, Latin, CJK, emoji, lone surrogates) and random seeds, through each of our entry
 * points; and flagd's bucketing, {@code (unsigned murmur3(flagKey + targetingKey, seed 0) * totalWeight) >> 32},
 * recomputed here with {@link BigInteger} from commons-codec's hash.
 */
class Murmur3AgainstCommonsCodecTest {

  private static final int KEYS = 5_000;

  /** Characters of 1, 2, 3 and 4 UTF-8 bytes, and the surrogate halves that String.getBytes turns into '?'. */
  private static final int[][] CODE_POINT_RANGES = {
      {0x00, 0x7f}, {0x80, 0x7ff}, {0x800, 0xd7ff}, {0xe000, 0xfffd}, {0x10000, 0x10ffff}, {0xd800, 0xdfff}};

  private static String randomKey(SplittableRandom random, int maxLength) {
    StringBuilder key = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    while (key.length() < length) {
      int[] range = CODE_POINT_RANGES[random.nextInt(CODE_POINT_RANGES.length)];
      int codePoint = random.nextInt(range[0], range[1] + 1);
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
        key.append((char) codePoint); // a lone surrogate
      } else {
        key.appendCodePoint(codePoint);
      }
    }
    return key.toString();
  }

  private static int reference(String key, int seed) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return MurmurHash3.hash32x86(utf8, 0, utf8.length, seed);
  }

  /** flagd's v2 bucket, on 128-bit integers: nothing can overflow. */
  private static long flagdBucket(String flagKey, String targetingKey, long totalWeight) {
    long unsignedHash = Integer.toUnsignedLong(reference(flagKey + targetingKey, 0));
    return BigInteger.valueOf(unsignedHash).multiply(BigInteger.valueOf(totalWeight)).shiftRight(32).longValueExact();
  }

  @ParameterizedTest(name = "random seed {0}")
  @ValueSource(longs = {1L, 20_261_205L, -7L})
  void everyEntryPointHashesLikeCommonsCodec(long randomSeed) {
    SplittableRandom random = new SplittableRandom(randomSeed);
    for (int i = 0; i < KEYS; i++) {
      String key = randomKey(random, 40);
      int seed = i % 4 == 0 ? 0 : random.nextInt();
      int expected = reference(key, seed);
      String why = String.format("key %s (%d chars), seed %d, random seed %d", escape(key), key.length(), seed,
          randomSeed);

      byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
      assertThat(Murmur3.hash32(utf8, 0, utf8.length, seed)).as(why).isEqualTo(expected);

      int pad = random.nextInt(5);
      byte[] padded = new byte[pad + utf8.length + random.nextInt(5)];
      System.arraycopy(utf8, 0, padded, pad, utf8.length);
      assertThat(Murmur3.hash32(padded, pad, utf8.length, seed)).as("padded " + why).isEqualTo(expected);

      // Split anywhere, also between the halves of a surrogate pair.
      int split = random.nextInt(key.length() + 1);
      String a = key.substring(0, split);
      String b = key.substring(split);
      assertThat(Murmur3.hash32(a, b, seed)).as("split at %d, %s", split, why).isEqualTo(expected);
      assertThat(Murmur3.hash32(new StringBuilder(a), new StringBuilder(b), seed)).as("builders, " + why)
          .isEqualTo(expected);
      assertThat(Murmur3.hash32(Murmur3.prefix(a, seed), b)).as("prefix of %d, %s", split, why).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "random seed {0}")
  @ValueSource(longs = {3L, 42L})
  void bucketingIsFlagds(long randomSeed) {
    SplittableRandom random = new SplittableRandom(randomSeed);
    FractionalHashing hashing = FractionalHashing.v2();
    long[] fixedTotals = {1, 2, 3, 100, 10_000, Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE};
    for (int i = 0; i < KEYS; i++) {
      String flagKey = randomKey(random, 12);
      String targetingKey = randomKey(random, 30);
      long total = i % 2 == 0 ? fixedTotals[random.nextInt(fixedTotals.length)] : random.nextLong(1, Long.MAX_VALUE);
      long expected = flagdBucket(flagKey, targetingKey, total);
      String why = String.format("flag %s, targeting key %s, total weight %d, random seed %d", escape(flagKey),
          escape(targetingKey), total, randomSeed);

      assertThat(expected).as(why).isBetween(0L, total - 1);
      assertThat(hashing.bucket(flagKey, targetingKey, total)).as(why).isEqualTo(expected);
      assertThat(hashing.prepare(flagKey).bucket(targetingKey, total)).as("prepared, " + why).isEqualTo(expected);
    }
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return out.append('"').toString();
  }
}
