package dev.progressive.toggles.bucketing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A prepared prefix hashes exactly as the prefix followed by the key would. */
class Murmur3PrefixTest {

  private static final String ALPHABET = "abcXYZ019-_.@ é€中😀";

  private static String random(Random r, int maxLength) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(ALPHABET.length() + 3);
      if (pick == ALPHABET.length()) {
        sb.append('\ud83d'); // a lone high surrogate
      } else if (pick == ALPHABET.length() + 1) {
        sb.append('\ude00'); // a lone low surrogate
      } else if (pick == ALPHABET.length() + 2) {
        sb.appendCodePoint(0x1F680);
      } else {
        sb.append(ALPHABET.charAt(pick));
      }
    }
    return sb.toString();
  }

  @Test
  void aPreparedPrefixHashesLikeTheWholeKey() {
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String prefix = random(r, 13);
      String key = random(r, 30);
      int seed = i % 3 == 0 ? 0 : r.nextInt();
      assertThat(Murmur3.hash32(Murmur3.prefix(prefix, seed), key)).as("%s + %s", prefix, key)
          .isEqualTo(Murmur3.hash32(prefix, key, seed));
    }
  }

  @Test
  void asciiKeysOnTheFastPathHashLikeTheWholeKey() {
    Random r = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder prefix = new StringBuilder();
      int prefixLength = 4 * r.nextInt(5) + (i % 5 == 0 ? r.nextInt(4) : 0);
      for (int j = 0; j < prefixLength; j++) {
        prefix.append((char) (32 + r.nextInt(95)));
      }
      StringBuilder key = new StringBuilder();
      int keyLength = r.nextInt(40);
      for (int j = 0; j < keyLength; j++) {
        key.append((char) (r.nextInt(8) == 0 ? r.nextInt(0x80) : 32 + r.nextInt(95)));
      }
      if (i % 7 == 0 && keyLength > 0) {
        key.setCharAt(r.nextInt(keyLength), 'é'); // leaves the fast path part-way
      }
      assertThat(Murmur3.hash32(Murmur3.prefix(prefix, 0), key)).as("%s + %s", prefix, key)
          .isEqualTo(Murmur3.hash32(prefix, key, 0));
    }
  }

  /** A char for a property test: mostly ASCII, with 2- and 3-byte chars, surrogate pairs and lone surrogates. */
  private static void appendRandom(Random r, StringBuilder sb) {
    int pick = r.nextInt(20);
    if (pick < 12) {
      sb.append((char) (r.nextInt(6) == 0 ? r.nextInt(0x80) : 32 + r.nextInt(95)));
    } else if (pick < 14) {
      sb.append((char) (0x80 + r.nextInt(0x800 - 0x80))); // two bytes
    } else if (pick < 16) {
      sb.append((char) (0x800 + r.nextInt(0xd800 - 0x800))); // three bytes
    } else if (pick < 18) {
      sb.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000)); // a surrogate pair, four bytes
    } else if (pick == 18) {
      sb.append((char) (0xd800 + r.nextInt(0x400))); // a lone high surrogate, unless a low one follows
    } else {
      sb.append((char) (0xdc00 + r.nextInt(0x400))); // a lone low surrogate, unless a high one precedes
    }
  }

  /** Murmur3 of the UTF-8 bytes of the concatenation, as flagd hashes it (lone surrogates become '?'). */
  private static int ofConcatenatedBytes(String prefix, String key, int seed) {
    byte[] bytes = (prefix + key).getBytes(StandardCharsets.UTF_8);
    return Murmur3.hash32(bytes, 0, bytes.length, seed);
  }

  @Test
  void incrementalHashesEqualMurmur3OfTheConcatenatedBytesForEveryPrefixLength() {
    Random r = new Random(18);
    int[] byLeftover = new int[4];
    for (int i = 0; i < 40_000; i++) {
      StringBuilder prefix = new StringBuilder();
      int prefixLength = i % 8; // 0 to 7 chars
      boolean asciiPrefix = r.nextBoolean();
      for (int j = 0; j < prefixLength; j++) {
        if (asciiPrefix) {
          prefix.append((char) (32 + r.nextInt(95)));
        } else {
          appendRandom(r, prefix);
        }
      }
      StringBuilder key = new StringBuilder();
      int keyLength = r.nextInt(24);
      boolean asciiKey = r.nextInt(3) > 0;
      for (int j = 0; j < keyLength; j++) {
        if (asciiKey && r.nextInt(40) > 0) {
          key.append((char) (32 + r.nextInt(95)));
        } else {
          appendRandom(r, key);
        }
      }
      String p = prefix.toString();
      String k = key.toString();
      int seed = i % 5 == 0 ? r.nextInt() : 0;
      int expected = ofConcatenatedBytes(p, k, seed);
      byLeftover[p.getBytes(StandardCharsets.UTF_8).length & 3]++;
      assertThat(Murmur3.hash32(Murmur3.prefix(p, seed), k)).as("prepared %s + %s", p, k).isEqualTo(expected);
      assertThat(Murmur3.hash32(p, k, seed)).as("%s + %s", p, k).isEqualTo(expected);
      if (seed == 0) {
        long bucket = ((expected & 0xffffffffL) * 100) >>> 32;
        assertThat(FractionalHashing.v2().prepare(p).bucket(k, 100)).as("bucket of %s + %s", p, k)
            .isEqualTo(bucket);
        assertThat(FractionalHashing.v2().bucket(p, k, 100)).isEqualTo(bucket);
      }
    }
    for (int leftover = 0; leftover < 4; leftover++) {
      assertThat(byLeftover[leftover]).as("prefixes leaving %d bytes before the key's first block", leftover)
          .isGreaterThan(1_000);
    }
  }

  @Test
  void aSurrogatePairSplitBetweenPrefixAndKeyStillHashesAsOnePair() {
    String prefix = "flag-\ud83d";
    String key = "\ude00user";
    assertThat(Murmur3.hash32(Murmur3.prefix(prefix, 0), key)).isEqualTo(Murmur3.hash32(prefix, key, 0));
    assertThat(Murmur3.hash32(Murmur3.prefix(prefix, 0), key))
        .isEqualTo(Murmur3.hash32("flag-😀user".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0,
            "flag-😀user".getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 0));
  }

  @Test
  void preparedBucketingAgreesWithPlainBucketing() {
    FractionalHashing v2 = FractionalHashing.v2();
    FractionalHashing.Prepared prepared = v2.prepare("rollout-flag");
    FractionalHashing.Prepared byDefault = new FractionalHashing() {
      @Override
      public long bucket(CharSequence prefix, CharSequence key, long totalWeight) {
        return v2.bucket(prefix, key, totalWeight);
      }
    }.prepare("rollout-flag");
    for (int i = 0; i < 5_000; i++) {
      String user = "user-" + i;
      long expected = v2.bucket("rollout-flag", user, 10_000);
      assertThat(prepared.bucket(user, 10_000)).isEqualTo(expected);
      assertThat(byDefault.bucket(user, 10_000)).isEqualTo(expected);
    }
  }
}
