package dev.progressive.parallelrun.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.internal.HookFaults.Hook;
import dev.progressive.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hook that fails on every call is logged once per interval, with the count of the failures in between. */
class HookFaultsTest {

  private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");

  @Test
  void repeatedFailuresOfAHookAreRateLimitedAndCounted() {
    MutableClock clock = new MutableClock(START);
    List<String> lines = new ArrayList<>();
    HookFaults faults = new HookFaults("pricing", (line, t) -> lines.add(line), clock, 1, Duration.ofSeconds(10));

    for (int i = 0; i < 500; i++) {
      faults.report(Hook.PUBLISHER, new IllegalStateException("down"));
    }
    faults.report(Hook.COMPARATOR, new IllegalStateException("bug"));
    clock.advance(Duration.ofSeconds(10));
    faults.report(Hook.PUBLISHER, new IllegalStateException("down"));

    assertThat(lines).containsExactly(
        "Parallel run 'pricing': the publisher threw java.lang.IllegalStateException: down; the control's answer is "
            + "unaffected",
        "Parallel run 'pricing': the comparator threw java.lang.IllegalStateException: bug; the control's answer is "
            + "unaffected",
        "Parallel run 'pricing': the publisher threw java.lang.IllegalStateException: down; the control's answer is "
            + "unaffected (499 similar failures suppressed since the last line)");
  }

  @Test
  void aFailureWhoseMessageThrowsOrALogThatThrowsIsContained() {
    List<String> lines = new ArrayList<>();
    HookFaults faults = new HookFaults("x", (line, t) -> lines.add(line), new MutableClock(START), 1,
        Duration.ofSeconds(10));
    faults.report(Hook.CLEANER, new IllegalStateException() {
      @Override
      public String getMessage() {
        throw new UnsupportedOperationException("no message for you");
      }
    });
    assertThat(lines).singleElement().asString()
        .contains("(getMessage() threw java.lang.UnsupportedOperationException)");

    HookFaults broken = new HookFaults("x", (line, t) -> {
      throw new AssertionError("the log is broken");
    }, new MutableClock(START), 1, Duration.ofSeconds(10));
    broken.report(Hook.CLEANER, new IllegalStateException("x"));
  }
}
