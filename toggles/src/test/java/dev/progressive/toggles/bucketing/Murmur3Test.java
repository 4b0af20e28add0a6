package dev.progressive.toggles.bucketing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Murmur3Test {

  private static int bytes(String s, int seed) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Murmur3.hash32(b, 0, b.length, seed);
  }

  /** Reference vectors of MurmurHash3_x86_32 (SMHasher, and the values that commons-codec gives). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|0|0x00000000",
      "''|1|0x514e28b7",
      "''|0xffffffff|0x81f16f39",
      "aaaa|0x9747b28c|0x5a97808a",
      "abc|0|0xb3dd93fa",
      "hello|0|0x248bfa47",
      "Hello, world!|0x9747b28c|0x24884cba",
      "The quick brown fox jumps over the lazy dog|0x9747b28c|0x2fa826cd",
      "fractional-flagjack|0|0x9fe843e0"})
  void knownVectors(String input, String seed, String expected) {
    int s = Integer.parseUnsignedInt(seed.substring(seed.startsWith("0x") ? 2 : 0), seed.startsWith("0x") ? 16 : 10);
    int e = Integer.parseUnsignedInt(expected.substring(2), 16);
    assertThat(bytes(input, s)).isEqualTo(e);
    assertThat(Murmur3.hash32(input, "", s)).isEqualTo(e);
    assertThat(Murmur3.hash32("", input, s)).isEqualTo(e);
  }

  @Test
  void fourZeroBytes() {
    assertThat(Murmur3.hash32(new byte[4], 0, 4, 0)).isEqualTo(0x2362f9de);
    assertThat(Murmur3.hash32("\0\0", "\0\0", 0)).isEqualTo(0x2362f9de);
  }

  @Test
  void byteRangeHonoursOffset() {
    byte[] padded = "xxabcyy".getBytes(StandardCharsets.UTF_8);
    assertThat(Murmur3.hash32(padded, 2, 3, 0)).isEqualTo(0xb3dd93fa);
    assertThatThrownBy(() -> Murmur3.hash32(padded, 5, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Murmur3.hash32(padded, -1, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "café|crème", "ünïcödé|", "|日本語テキスト", "emoji 😀|🎉 party", "mixed ascii|и кириллица", "a|b"})
  void charSequencesHashLikeTheUtf8OfTheirConcatenation(String a, String b) {
    String left = a == null ? "" : a;
    String right = b == null ? "" : b;
    assertThat(Murmur3.hash32(left, right, 0)).isEqualTo(bytes(left + right, 0));
    assertThat(Murmur3.hash32(new StringBuilder(left), new StringBuilder(right), 42)).isEqualTo(bytes(left + right, 42));
  }

  @Test
  void surrogatePairSplitBetweenTheTwoParts() {
    String emoji = "😀";
    assertThat(Murmur3.hash32("x" + emoji.charAt(0), emoji.charAt(1) + "y", 0)).isEqualTo(bytes("x😀y", 0));
  }

  @Test
  void loneSurrogatesAreEncodedAsQuestionMarks() {
    String[] odd = {"\ud800", "a\udc00b", "\ud83d\ud83d", "\udc00\ud800", "end\ud83d"};
    for (String s : odd) {
      assertThat(Murmur3.hash32(s, "", 0)).as(s).isEqualTo(bytes(s, 0));
      assertThat(Murmur3.hash32("", s, 7)).as(s).isEqualTo(bytes(s, 7));
    }
  }

  @Test
  void randomStringsAgreeWithTheByteVersion() {
    Random random = new Random(20261122L);
    for (int round = 0; round < 5_000; round++) {
      String a = randomString(random);
      String b = randomString(random);
      int seed = random.nextInt();
      assertThat(Murmur3.hash32(a, b, seed)).as("%s|%s|%d", a, b, seed).isEqualTo(bytes(a + b, seed));
    }
  }

  private static String randomString(Random random) {
    int length = random.nextInt(20);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(6)) {
        case 0 -> sb.append((char) random.nextInt(0x80));
        case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
        case 2 -> sb.append((char) (0x800 + random.nextInt(0xd000)));
        case 3 -> sb.appendCodePoint(0x10000 + random.nextInt(0x10ffff - 0x10000));
        case 4 -> sb.append((char) (0xd800 + random.nextInt(0x800)));
        default -> sb.append((char) (0xe000 + random.nextInt(0x2000)));
      }
    }
    return sb.toString();
  }
}
