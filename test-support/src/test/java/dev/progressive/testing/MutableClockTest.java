package dev.progressive.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");

  @Test
  void standsStillUntilMovedThenReadsWhereItWasMoved() {
    MutableClock clock = new MutableClock(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli());

    clock.advance(Duration.ofSeconds(90));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(90));

    clock.advance(Duration.ofSeconds(-30));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(60));

    Instant later = Instant.parse("2027-01-01T12:00:00Z");
    clock.set(later);
    assertThat(clock.instant()).isEqualTo(later);
  }

  @Test
  void aZoneChangeKeepsTheTimeTheTestSets() {
    MutableClock clock = new MutableClock(START);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    var zoned = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofMinutes(5));
    assertThat(zoned.instant()).isEqualTo(START.plus(Duration.ofMinutes(5)));
  }
}
