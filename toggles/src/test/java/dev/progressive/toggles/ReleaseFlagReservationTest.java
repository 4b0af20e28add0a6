package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.internal.reserved.ReleaseFlagWrites;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code release.*} flags belong to release plans: FlagAdmin refuses them, the release module writes them. */
class ReleaseFlagReservationTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
  private static final String PLAN = """
      {"state": "ENABLED", "variants": {"old": "old", "new": "new"}, "defaultVariant": "old",
       "metadata": {"releaseState": "PENDING"}}""";

  private static Toggles toggles() {
    return Toggles.builder().source(InMemorySource.named("flags.json", TogglesTest.FLAGS)).clock(CLOCK)
        .store(new InMemoryFlagStore(CLOCK, 100)).build();
  }

  @Test
  void everyFlagAdminWriteRefusesAReleaseFlagNamingTheReleasesEndpoint() {
    try (Toggles t = toggles()) {
      assertThatThrownBy(() -> t.admin().replaceDefinition("release.pricing-v2", PLAN, ChangeRequest.of("ops", "x", 0)))
          .isInstanceOf(ReservedFlagException.class)
          .hasMessageContaining("release plan 'pricing-v2'")
          .hasMessageContaining("POST /actuator/releases/pricing-v2")
          .satisfies(e -> {
            assertThat(((ReservedFlagException) e).release()).isEqualTo("pricing-v2");
            assertThat(((ReservedFlagException) e).canary()).isNull();
          });
      assertThat(t.admin().flag("release.pricing-v2")).isEmpty();

      FlagView stored = ReleaseFlagWrites.replaceDefinition(t, "release.pricing-v2", PLAN,
          ChangeRequest.of("release-driver", "[release define] defined", 0));
      long version = stored.version();

      assertThatThrownBy(() -> t.admin().setState("release.pricing-v2", false, ChangeRequest.of("ops", "x", version)))
          .isInstanceOf(ReservedFlagException.class).hasMessageContaining("/actuator/releases/pricing-v2");
      assertThatThrownBy(() -> t.admin().setDefaultVariant("release.pricing-v2", "new",
          ChangeRequest.of("ops", "x", version))).isInstanceOf(ReservedFlagException.class);
      assertThatThrownBy(() -> t.admin().setWeights("release.pricing-v2", Map.of("old", 0, "new", 1),
          ChangeRequest.of("ops", "x", version))).isInstanceOf(ReservedFlagException.class);
      assertThatThrownBy(() -> t.admin().removeOverride("release.pricing-v2", ChangeRequest.of("ops", "x", version)))
          .isInstanceOf(ReservedFlagException.class);

      FlagView after = t.admin().flag("release.pricing-v2").orElseThrow();
      assertThat(after.version()).isEqualTo(version);
      assertThat(after.defaultVariant()).isEqualTo("old");
      assertThat(t.admin().history("release.pricing-v2", Instant.EPOCH, Instant.MAX, 10)).hasSize(1);
    }
  }

  @Test
  void theReleaseWriterTakesOnlyReleaseFlagsAndChecksTheRequestAsAnyWrite() {
    try (Toggles t = toggles()) {
      assertThatThrownBy(() -> ReleaseFlagWrites.replaceDefinition(t, "canary.pricing", PLAN,
          ChangeRequest.of("x", "y", 0))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a release flag");
      assertThatThrownBy(() -> ReleaseFlagWrites.replaceDefinition(t, "release.pricing-v2", PLAN,
          ChangeRequest.of("x", "", 0))).hasMessageContaining("reason");
      assertThat(t.admin().flag("release.pricing-v2")).isEmpty();
      assertThat(ReservedFlagException.isReserved("release.a")).isTrue();
      assertThat(ReservedFlagException.isReserved("canary.a")).isTrue();
      assertThat(ReservedFlagException.isReserved("releases-page")).isFalse();
    }
  }
}
