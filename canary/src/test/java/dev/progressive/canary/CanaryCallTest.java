package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** call(): routing, timing, fallback to the baseline, the circuit breaker, and the request meters. */
class CanaryCallTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build();
  private Canary canary;

  private Canary canary(CircuitBreaker breaker) {
    CanaryRelease release = CanaryRelease.builder("pricing").step(50, Duration.ofMinutes(1), 1).build();
    Canary.Builder b = Canary.builder(release, toggles).clock(clock).meterRegistry(registry);
    if (breaker != null) {
      b.circuitBreaker(breaker);
    }
    canary = b.build();
    canary.promote("alice", "all in", true);
    return canary;
  }

  @AfterEach
  void tearDown() {
    canary.close();
    toggles.close();
  }

  private long count(String cohort, String outcome) {
    Timer timer = registry.get("progressive.canary.requests")
        .tags("canary", "pricing", "cohort", cohort, "outcome", outcome).timer();
    return timer.count();
  }

  @Test
  void routesTimesAndRecords() {
    canary(null);
    assertThat(canary.call("u1", () -> "old", () -> "new")).isEqualTo("new");
    assertThat(canary.call("u1", Cohort.BASELINE, () -> "old", () -> "new")).isEqualTo("old");
    assertThat(count("canary", "success")).isEqualTo(1);
    assertThat(count("baseline", "success")).isEqualTo(1);
    canary.record(Cohort.BASELINE, Duration.ofMillis(40), CallOutcome.ERROR);
    assertThat(count("baseline", "error")).isEqualTo(1);
    assertThat(registry.getMeters()).allMatch(m -> m.getId().getTags().stream()
        .noneMatch(t -> t.getValue().equals("u1")), "no key is a tag");
  }

  @Test
  void aFailingCanaryFallsBackToTheBaselineAndCountsAsACanaryError() {
    canary(null);
    String answer = canary.call("u1", () -> "old", () -> {
      throw new IllegalStateException("new code is broken");
    });
    assertThat(answer).isEqualTo("old");
    assertThat(count("canary", "error")).isEqualTo(1);
    assertThat(count("canary", "success")).isZero();
  }

  @Test
  void theBaselinesOwnExceptionPropagatesUnchanged() {
    canary(null);
    IllegalArgumentException own = new IllegalArgumentException("bad cart");
    assertThatThrownBy(() -> canary.call("u1", Cohort.BASELINE, () -> {
      throw own;
    }, () -> "new")).isSameAs(own);
    assertThat(count("baseline", "error")).isEqualTo(1);
    assertThatThrownBy(() -> canary.call("u1", () -> {
      throw own;
    }, () -> {
      throw new IllegalStateException("canary too");
    })).as("the fallback's exception is the baseline's").isSameAs(own);
  }

  @Test
  void anOpenCircuitBreakerSendsEveryoneToTheBaselineAndRollsBack() {
    CircuitBreaker breaker = CircuitBreaker.of("pricing-canary", CircuitBreakerConfig.custom()
        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50).build());
    canary = Canary.builder(CanaryRelease.builder("pricing").step(50, Duration.ofMinutes(1), 1).build(), toggles)
        .clock(clock).meterRegistry(registry).circuitBreaker(breaker).build();
    canary.start("alice", "go");
    String key = key(Cohort.CANARY);
    AtomicInteger canaryCalls = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      assertThat(canary.call(key, () -> "old", () -> {
        canaryCalls.incrementAndGet();
        throw new IllegalStateException("boom");
      })).isEqualTo("old");
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(canary.decide(key)).isEqualTo(Cohort.BASELINE);
    assertThat(canary.call(key, Cohort.CANARY, () -> "old", () -> {
      canaryCalls.incrementAndGet();
      return "new";
    })).as("an open breaker permits no canary call, even for an explicit cohort").isEqualTo("old");
    assertThat(canaryCalls).hasValue(4);
  }

  private String key(Cohort wanted) {
    for (int i = 0; ; i++) {
      if (canary.decide("k" + i) == wanted) {
        return "k" + i;
      }
    }
  }
}
