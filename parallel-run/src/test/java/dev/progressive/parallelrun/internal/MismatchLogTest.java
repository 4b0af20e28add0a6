package dev.progressive.parallelrun.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mismatch log lets a fixed number of lines through per interval, on a clock that the test moves. */
class MismatchLogTest {

  private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");

  @Test
  void linesBeyondTheLimitAreSuppressedAndCountedInTheNextLine() {
    MutableClock clock = new MutableClock(START);
    List<String> lines = new ArrayList<>();
    MismatchLog log = new MismatchLog(clock, 2, Duration.ofSeconds(10), lines::add);

    assertThat(log.log("one")).isTrue();
    assertThat(log.log("two")).isTrue();
    assertThat(log.log("three")).isFalse();
    assertThat(log.log("four")).isFalse();
    clock.advance(Duration.ofSeconds(9));
    assertThat(log.log("five")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(log.log("six")).isTrue();

    assertThat(lines).containsExactly("one", "two", "six (3 similar lines suppressed before this one)");
  }

  @Test
  void aZeroLimitLogsNothing() {
    List<String> lines = new ArrayList<>();
    MismatchLog log = new MismatchLog(new MutableClock(START), 0, Duration.ofSeconds(1), lines::add);
    log.log("x");
    assertThat(lines).isEmpty();
  }

  @Test
  void theSameMismatchOverAndOverBacksOffAndCountsWhatItSuppressed() {
    MutableClock clock = new MutableClock(START);
    List<String> lines = new ArrayList<>();
    MismatchLog log = new MismatchLog(clock, 1, Duration.ofSeconds(10), lines::add);

    List<Integer> loggedAt = new ArrayList<>();
    for (int second = 0; second <= 150; second++) {
      if (log.log("total", () -> "total differs")) {
        loggedAt.add(second);
      }
      clock.advance(Duration.ofSeconds(1));
    }
    // Back-off 10 s, then 20, 40, 80: lines at 0, 10, 30, 70 and 150 s instead of every 10 s.
    assertThat(loggedAt).containsExactly(0, 10, 30, 70, 150);
    assertThat(lines.get(1)).isEqualTo("total differs (9 similar lines suppressed before this one)");
    assertThat(lines.get(4)).isEqualTo("total differs (79 similar lines suppressed before this one)");

    clock.advance(Duration.ofSeconds(10));
    assertThat(log.log("other", () -> "another difference")).as("a new mismatch waits only for the budget").isTrue();
    assertThat(log.log("total", () -> "total differs")).as("the repeated one still backs off").isFalse();
  }
}
