package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sticky, monotonic routing over 100,000 keys, the same as the flag, with overrides first. */
class RoutingTest {

  private static final int KEYS = 100_000;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Toggles toggles;
  private Canary canary;

  private static CanaryRelease release() {
    return CanaryRelease.builder("pricing")
        .step(1, Duration.ofMinutes(1), 1)
        .step(5, Duration.ofMinutes(1), 1)
        .step(25, Duration.ofMinutes(1), 1)
        .step(50, Duration.ofMinutes(1), 1)
        .build();
  }

  @BeforeEach
  void setUp() {
    toggles = Toggles.builder().store(new InMemoryFlagStore()).clock(clock).build();
    canary = Canary.builder(release(), toggles).clock(clock)
        .allow("tester-1", Cohort.CANARY)
        .allow("vip-1", Cohort.BASELINE)
        .build();
  }

  @AfterEach
  void tearDown() {
    canary.close();
    toggles.close();
  }

  private boolean[] routeAll() {
    boolean[] onCanary = new boolean[KEYS];
    for (int i = 0; i < KEYS; i++) {
      onCanary[i] = canary.decide("user-" + i) == Cohort.CANARY;
    }
    return onCanary;
  }

  private static int count(boolean[] values) {
    int n = 0;
    for (boolean v : values) {
      n += v ? 1 : 0;
    }
    return n;
  }

  @Test
  void pendingSendsEveryoneToTheBaseline() {
    assertThat(canary.state()).isEqualTo(CanaryState.PENDING);
    assertThat(count(routeAll())).isZero();
  }

  @Test
  void routingIsStickyAndMonotonicAsTheWeightRises() {
    canary.start("alice", "deployed");
    boolean[] previous = routeAll();
    assertThat(routeAll()).as("the same key gets the same side").isEqualTo(previous);
    double[] expected = {0.01, 0.05, 0.25, 0.50, 1.0};
    assertThat(count(previous) / (double) KEYS).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(0.002));
    for (int step = 1; step < expected.length; step++) {
      canary.promote("alice", "next", false);
      boolean[] now = routeAll();
      for (int i = 0; i < KEYS; i++) {
        if (previous[i]) {
          assertThat(now[i]).as("user-%d stays on the canary at step %d", i, step).isTrue();
        }
      }
      assertThat(count(now) / (double) KEYS).as("share at step %d", step)
          .isCloseTo(expected[step], org.assertj.core.data.Offset.offset(0.005));
      previous = now;
    }
    assertThat(canary.state()).isEqualTo(CanaryState.PROMOTED);
    assertThat(count(previous)).isEqualTo(KEYS);
  }

  @Test
  void rollingBackSendsEveryoneBack() {
    canary.start("alice", "deployed");
    canary.promote("alice", "to 5%", false);
    canary.promote("alice", "to 25%", false);
    assertThat(count(routeAll())).isPositive();
    canary.abort("alice", "customers complain");
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(canary.weight()).isZero();
    assertThat(count(routeAll())).isZero();
  }

  @Test
  void routingAgreesWithTheFlagEvaluatedByToggles() {
    canary.start("alice", "deployed");
    canary.promote("alice", "to 5%", false);
    canary.promote("alice", "to 25%", false);
    for (int i = 0; i < 20_000; i++) {
      String key = "user-" + i;
      String variant = toggles.stringValue("canary.pricing", EvaluationContext.of(key), "none");
      assertThat(canary.decide(key).tag()).as(key).isEqualTo(variant);
    }
  }

  @Test
  void allowListAndExplicitCohortComeFirst() {
    assertThat(canary.decide("tester-1")).isEqualTo(Cohort.CANARY);
    assertThat(canary.decide("anyone", Cohort.CANARY)).isEqualTo(Cohort.CANARY);
    canary.start("alice", "deployed");
    canary.promote("alice", "full", true);
    assertThat(canary.decide("vip-1")).isEqualTo(Cohort.BASELINE);
    assertThat(canary.decide("anyone")).isEqualTo(Cohort.CANARY);
    assertThat(canary.decide("anyone", Cohort.BASELINE)).isEqualTo(Cohort.BASELINE);
    assertThat(canary.decide("tester-1", Cohort.BASELINE)).as("the caller's explicit cohort wins")
        .isEqualTo(Cohort.BASELINE);
  }
}
