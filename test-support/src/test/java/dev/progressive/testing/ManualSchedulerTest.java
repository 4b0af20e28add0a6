package dev.progressive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<String> ran = new ArrayList<>();

  private Runnable task(String name) {
    return () -> ran.add(name + "@" + Duration.between(START, clock.instant()).toSeconds());
  }

  @Test
  void runsEachTaskFirstAfterOnePeriodThenEveryPeriodInTimeOrderWithTheClockAtItsDueTime() {
    scheduler.every(Duration.ofSeconds(60), task("a"));
    scheduler.every(Duration.ofSeconds(40), task("b"));

    scheduler.advance(Duration.ofSeconds(59));
    assertThat(ran).containsExactly("b@40");
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(59));

    scheduler.advance(Duration.ofSeconds(61));

    assertThat(ran).as("at one instant, the task added first runs first")
        .containsExactly("b@40", "a@60", "b@80", "a@120", "b@120");
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(120));
  }

  @Test
  void aClosedTaskNoLongerRunsAndATaskAddedByATaskIsScheduledFromThen() throws Exception {
    AutoCloseable a = scheduler.every(Duration.ofSeconds(10), task("a"));
    scheduler.every(Duration.ofSeconds(30), () -> {
      ran.add("adds c@" + Duration.between(START, clock.instant()).toSeconds());
      scheduler.every(Duration.ofSeconds(5), task("c"));
    });
    scheduler.advance(Duration.ofSeconds(10));
    a.close();

    scheduler.advance(Duration.ofSeconds(30));

    assertThat(ran).containsExactly("a@10", "adds c@30", "c@35", "c@40");
  }

  @Test
  void theJavadocExampleRunsAsItSays() throws Exception {
    List<Instant> looks = new ArrayList<>();
    // @start region="ManualScheduler"
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    scheduler.every(Duration.ofMinutes(1), () -> looks.add(clock.instant()));  // first due a minute from now
    scheduler.advance(Duration.ofMinutes(3));  // runs it at 10:01, 10:02 and 10:03, the clock set to each
    // @end

    assertThat(looks).containsExactly(START.plusSeconds(60), START.plusSeconds(120), START.plusSeconds(180));
    assertThat(JavadocExamples.check(Path.of("src/main/java/dev/progressive/testing/ManualScheduler.java"),
        Path.of("src/test/java/dev/progressive/testing/ManualSchedulerTest.java"))).isEqualTo(1);
  }

  @Test
  void refusesAPeriodThatIsNotPositiveAndTimeThatGoesBack() {
    assertThatThrownBy(() -> scheduler.every(Duration.ZERO, task("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period must be positive, was PT0S");
    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only moves forward");
    assertThat(clock.instant()).isEqualTo(START);
  }
}
