package dev.progressive.spring.canary;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.spring.actuate.CanariesEndpoint;
import dev.progressive.spring.actuate.CanariesHealthContributor;
import dev.progressive.spring.actuate.TogglesEndpoint;
import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class CanaryActuatorTest {

  private static final FilteredClassLoader NO_SECURITY = new FilteredClassLoader("org.springframework.security");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.featuresAndOperations())
      .withPropertyValues("progressive.toggles.open-feature.enabled=false",
          "management.endpoints.web.exposure.include=canaries",
          "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
          "progressive.canary.canaries.checkout-v2.auto-start=true");

  private static SecurityContext user(String name) {
    return new SecurityContext() {
      @Override
      public Principal getPrincipal() {
        return () -> name;
      }

      @Override
      public boolean isUserInRole(String role) {
        return true;
      }
    };
  }

  @Test
  void offersTheEndpointAndTheHealthOnlyWithCanaries() {
    runner.run(context -> assertThat(context).hasSingleBean(CanariesEndpoint.class)
        .hasSingleBean(CanariesHealthContributor.class));
    runner.withPropertyValues("progressive.canary.enabled=false").run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean(CanariesEndpoint.class).doesNotHaveBean(CanariesHealthContributor.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=toggles").run(context ->
        assertThat(context).doesNotHaveBean(CanariesEndpoint.class));
    runner.withPropertyValues("management.health.canaries.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(CanariesHealthContributor.class));
  }

  @Test
  void healthIsUpWithStateStepAndWeightThenRolledBackWithTheCauseAfterARollback() {
    runner.run(context -> {
      CanariesHealthContributor health = context.getBean(CanariesHealthContributor.class);
      assertThat(health.getContributor("nope")).isNull();
      Health up = ((HealthIndicator) health.getContributor("checkout-v2")).health();
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("state", "PROGRESSING").containsEntry("step", 0)
          .containsEntry("weight", 5.0);
      context.getBean(Canary.class).abort("ops", "errors");
      Health out = ((HealthIndicator) health.getContributor("checkout-v2")).health();
      assertThat(out.getStatus()).isEqualTo(CanariesHealthContributor.ROLLED_BACK);
      assertThat(out.getDetails()).containsEntry("state", "ROLLED_BACK").containsKey("cause");
      assertThat(health.stream()).extracting(e -> e.name()).containsExactly("checkout-v2");
      // a rollback does not take the instance out of service under Boot's default status order
      assertThat(new SimpleStatusAggregator().getAggregateStatus(Set.of(Status.UP, out.getStatus())))
          .isEqualTo(Status.UP);
      assertThat(new SimpleStatusAggregator("down", "out-of-service", "rolled-back", "up", "unknown")
          .getAggregateStatus(Set.of(Status.UP, out.getStatus()))).isEqualTo(CanariesHealthContributor.ROLLED_BACK);
    });
  }

  @Test
  void withoutSpringSecurityActionsAreRefusedWith403AndAWarningSaysHowToTurnThemOn(CapturedOutput output) {
    runner.withClassLoader(NO_SECURITY).run(context -> {
      CanariesEndpoint endpoint = context.getBean(CanariesEndpoint.class);
      Canary canary = context.getBean(Canary.class);
      int audit = canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 100).size();
      WebEndpointResponse<Object> response = endpoint.act("checkout-v2", "abort", "try", null, user("mallory"));
      assertThat(response.getStatus()).isEqualTo(403);
      assertThat(((Map<?, ?>) response.getBody()).get("error").toString())
          .contains("progressive.security.allow-unsecured-writes=true");
      assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
      assertThat(canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 100)).hasSize(audit);
      assertThat(endpoint.canaries().canaries()).extracting(CanariesEndpoint.CanaryDescriptor::name)
          .containsExactly("checkout-v2");
    });
    assertThat(output).contains("The canaries actuator endpoint is read-only");
  }

  @Test
  void anExplicitPropertyTurnsActionsOnWithoutSecurityAsAnonymous() {
    runner.withClassLoader(NO_SECURITY).withPropertyValues("progressive.security.allow-unsecured-writes=true")
        .run(context -> {
          CanariesEndpoint endpoint = context.getBean(CanariesEndpoint.class);
          assertThat(endpoint.act("checkout-v2", "pause", "hold", null, SecurityContext.NONE).getStatus())
              .isEqualTo(200);
          Canary canary = context.getBean(Canary.class);
          assertThat(canary.state()).isEqualTo(CanaryState.PAUSED);
          assertThat(canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 100))
              .last().extracting(e -> e.actor()).isEqualTo(TogglesEndpoint.ANONYMOUS);
        });
  }

  @Test
  void withSpringSecurityAnActionWithoutPrincipalIsRefusedSoJmxCannotBypassTheRole() {
    runner.run(context -> {
      CanariesEndpoint endpoint = context.getBean(CanariesEndpoint.class);
      Canary canary = context.getBean(Canary.class);
      assertThat(endpoint.act("checkout-v2", "abort", null, null, SecurityContext.NONE).getStatus()).isEqualTo(403);
      assertThat(canary.state()).isEqualTo(CanaryState.PROGRESSING);
      assertThat(endpoint.act("checkout-v2", "abort", null, null, user("alice")).getStatus()).isEqualTo(200);
      assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    });
  }
}
