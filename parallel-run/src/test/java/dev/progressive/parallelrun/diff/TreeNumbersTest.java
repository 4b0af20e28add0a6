package dev.progressive.parallelrun.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one number rule of comparison trees: what compares equal, and what does not. */
class TreeNumbersTest {

  @Test
  void integersOfEveryJavaTypeBecomeTheSameBigInteger() {
    assertThat(TreeNumbers.normalize(7)).isEqualTo(BigInteger.valueOf(7))
        .isEqualTo(TreeNumbers.normalize(7L))
        .isEqualTo(TreeNumbers.normalize((short) 7))
        .isEqualTo(TreeNumbers.normalize((byte) 7));
  }

  @Test
  void aFloatIsItsDecimalTextNotItsBinaryExpansion() {
    assertThat(TreeNumbers.normalize(0.1f)).isEqualTo(new BigDecimal("0.1"));
    assertThat(TreeNumbers.normalize(0.1d)).isEqualTo(new BigDecimal("0.1"));
  }

  @Test
  void notANumberAndTheInfinitiesAreTheirText() {
    assertThat(TreeNumbers.normalize(Double.NaN)).isEqualTo("NaN");
    assertThat(TreeNumbers.normalize(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void bigNumbersAreKeptAndOtherNumberTypesAreReadFromTheirText() {
    BigDecimal exact = new BigDecimal("1.10");
    assertThat(TreeNumbers.normalize(exact)).isSameAs(exact);
    assertThat(TreeNumbers.normalize(new AtomicLong(42))).isEqualTo(new BigDecimal("42"));
  }
}
