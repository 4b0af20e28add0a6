package dev.progressive.parallelrun.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared argument checks, and the builders that use them, fail alike and name what was wrong. */
class ArgumentsTest {

  @Test
  void eachCheckNamesTheArgumentAndTheValue() {
    assertThat(Arguments.atLeast(1, 1, "threads")).isEqualTo(1);
    assertThatThrownBy(() -> Arguments.atLeast(0, 1, "threads"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be at least 1, was 0");
    assertThatThrownBy(() -> Arguments.atLeast(1023L, 1024L, "keepMismatchBytes"))
        .hasMessage("keepMismatchBytes must be at least 1024, was 1023");
    assertThatThrownBy(() -> Arguments.notNegative(-1, "limit")).hasMessage("limit must not be negative, was -1");
    assertThatThrownBy(() -> Arguments.positive(Duration.ZERO, "timeout"))
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> Arguments.positive(null, "timeout"))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout");
    assertThatThrownBy(() -> Arguments.rate(Double.NaN, "sampleRate"))
        .hasMessage("sampleRate must be between 0 and 1, was NaN");
    assertThatThrownBy(() -> Arguments.within(Duration.ofSeconds(2), Duration.ofNanos(10_000), Duration.ofSeconds(1),
        "idlePollInterval", "from 10 µs to 1 s"))
        .hasMessage("idlePollInterval must be from 10 µs to 1 s, was PT2S");
    assertThatThrownBy(() -> Arguments.notBlank(" ", "name")).hasMessage("name must not be blank");
  }

  @Test
  void theRunnerAndTheShadowRefuseTheSameBadThreadsAndTimeoutsInTheSameWords() {
    assertThatThrownBy(() -> ParallelRunner.builder().threads(0))
        .hasMessage("threads must be at least 1, was 0");
    assertThatThrownBy(() -> HttpShadow.builder().threads(0))
        .hasMessage("threads must be at least 1, was 0");
    assertThatThrownBy(() -> ParallelRunner.builder().timeout(Duration.ofMillis(-1)))
        .hasMessage("timeout must be positive, was PT-0.001S");
    assertThatThrownBy(() -> HttpShadow.builder().timeout(Duration.ofMillis(-1)))
        .hasMessage("timeout must be positive, was PT-0.001S");
    assertThatThrownBy(() -> ParallelRunner.builder().closeTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("closeTimeout");
    try (ParallelRunner runner = ParallelRunner.builder().build()) {
      assertThatThrownBy(() -> Experiment.<Integer, Integer, Integer>builder("rate", runner).sampleRate(1.5))
          .hasMessage("sampleRate must be between 0 and 1, was 1.5");
      assertThatThrownBy(() -> HttpShadow.builder().sampleRate(1.5))
          .hasMessage("sampleRate must be between 0 and 1, was 1.5");
    }
  }
}
