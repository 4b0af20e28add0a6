package dev.progressive.spring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The endpoint's own refusals, called directly as JMX or a test would: writes off, and no principal. */
class ReleasesEndpointTest {

  private final Toggles toggles = Toggles.builder().store(new InMemoryFlagStore()).build();
  private final Canary canary = Canary.builder(CanaryRelease.builder("pricing").step(50, java.time.Duration.ZERO, 1)
      .build(), toggles).build();
  private final ReleasePlan plan = ReleasePlan.builder("pricing-v2", toggles, canary)
      .stage(Stage.dark()).stage(Stage.canary()).build();
  private final ReleaseRegistry registry = new ReleaseRegistry(List.of(plan), List.of());

  @AfterEach
  void close() {
    plan.close();
    canary.close();
    toggles.close();
  }

  private static SecurityContext user(String name) {
    return new SecurityContext() {
      @Override
      public Principal getPrincipal() {
        return name == null ? null : () -> name;
      }

      @Override
      public boolean isUserInRole(String role) {
        return true;
      }
    };
  }

  @Test
  void withWritesOffEveryActionIs403AndWritesNothing() {
    ReleasesEndpoint endpoint = new ReleasesEndpoint(registry, false, false);
    long version = plan.status().version();
    WebEndpointResponse<Object> answer = endpoint.act("pricing-v2", "abort", "why", null, user("alice"));
    assertThat(answer.getStatus()).isEqualTo(403);
    assertThat(((Map<?, ?>) answer.getBody()).get("error").toString()).contains("allow-unsecured-writes");
    assertThat(plan.status().version()).isEqualTo(version);
  }

  @Test
  void whenAPrincipalIsRequiredAnAnonymousActionIs403() {
    ReleasesEndpoint endpoint = new ReleasesEndpoint(registry, true, true);
    assertThat(endpoint.act("pricing-v2", "abort", "why", null, user(null)).getStatus()).isEqualTo(403);
    assertThat(plan.status().state()).isEqualTo(ReleaseState.PENDING);
  }

  @Test
  void withUnsecuredWritesAllowedTheActorIsAnonymous() {
    ReleasesEndpoint endpoint = new ReleasesEndpoint(registry, true, false);
    assertThat(endpoint.act("pricing-v2", "abort", "no longer needed", null, user(null)).getStatus()).isEqualTo(200);
    assertThat(plan.status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(plan.history(java.time.Instant.EPOCH, java.time.Instant.MAX, 10).get(1).actor())
        .isEqualTo(ReleasesEndpoint.ANONYMOUS);
    assertThat(endpoint.releases().releases()).extracting(ReleasesEndpoint.ReleaseSummary::state)
        .containsExactly("ROLLED_BACK");
  }

  @Test
  void aGuardedFeatureRolloutIsListedWithoutACanary() {
    try (Toggles flags = Toggles.builder().source(InMemorySource.of("""
            {"flags": {"checkout-ui": {"state": "ENABLED", "variants": {"new": "new", "old": "old"},
              "defaultVariant": "old"}}}""")).store(new InMemoryFlagStore()).build();
        ReleasePlan rollout = ReleasePlan.builder("checkout-ui-rollout", flags)
            .stage(Stage.featureRollout("checkout-ui", "new", "old").steps(10, 100)).build()) {
      ReleasesEndpoint endpoint = new ReleasesEndpoint(new ReleaseRegistry(List.of(plan, rollout), List.of()), true,
          false);
      assertThat(endpoint.releases().releases())
          .anySatisfy(summary -> {
            assertThat(summary.name()).isEqualTo("checkout-ui-rollout");
            assertThat(summary.canary()).isNull();
          })
          .anySatisfy(summary -> assertThat(summary.canary()).isEqualTo("pricing"));
      assertThat(endpoint.release("checkout-ui-rollout").getStatus()).isEqualTo(200);
    }
  }
}
