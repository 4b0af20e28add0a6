package dev.progressive.parallelrun.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks that the builders of parallel-run share (threads, sizes, time limits, rates): each failure names
 * the argument and the value it was given, in the same words everywhere.
 */
public final class Arguments {

  private Arguments() {
  }

  /**
   * Checks a count or a size against its least value.
   *
   * @param value the value given
   * @param min the least value allowed
   * @param name the argument's name, as the builder's setter calls it
   * @return {@code value}
   * @throws IllegalArgumentException when {@code value < min}
   */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /** As {@link #atLeast(int, int, String)}, for a {@code long}. */
  public static long atLeast(long value, long min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /**
   * Checks a count that may be 0.
   *
   * @return {@code value}
   * @throws IllegalArgumentException when {@code value < 0}
   */
  public static int notNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /**
   * Checks a time limit or an interval.
   *
   * @param value the duration given
   * @param name the argument's name
   * @return {@code value}
   * @throws NullPointerException when {@code value} is null, with the argument's name as its message
   * @throws IllegalArgumentException when {@code value} is zero or negative
   */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * Checks a duration against a range, both ends included.
   *
   * @param range how the message says the range, such as {@code "from 10 µs to 1 s"}
   * @return {@code value}
   */
  public static Duration within(Duration value, Duration min, Duration max, String name, String range) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be " + range + ", was " + value);
    }
    return value;
  }

  /**
   * Checks a sampling rate.
   *
   * @return {@code rate}
   * @throws IllegalArgumentException unless {@code 0 <= rate <= 1} (NaN included)
   */
  public static double rate(double rate, String name) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, was " + rate);
    }
    return rate;
  }

  /**
   * Checks a name.
   *
   * @return {@code value}
   * @throws NullPointerException when it is null
   * @throws IllegalArgumentException when it is blank
   */
  public static String notBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
