package dev.progressive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.spring.actuate.ParallelRunsEndpoint;
import dev.progressive.spring.actuate.ParallelRunsEndpoint.ExperimentDescriptor;
import dev.progressive.spring.actuate.TogglesEndpoint;
import dev.progressive.spring.actuate.TogglesEndpoint.FlagDescriptor;
import dev.progressive.spring.actuate.TogglesHealthContributor;
import dev.progressive.spring.actuate.TogglesRequestBodyAdvice;
import dev.progressive.spring.actuate.TogglesWebFluxBodyFilter;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The operations side of the features: the actuator endpoints, their write policy and the health contributors. */
@ExtendWith(OutputCaptureExtension.class)
class EndpointAutoConfigurationsTest {

  private static final FilteredClassLoader NO_SECURITY = new FilteredClassLoader("org.springframework.security");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.featuresAndOperations())
      .withPropertyValues("progressive.toggles.sources[0].location=flags.json",
          "progressive.toggles.open-feature.enabled=false",
          "management.endpoints.web.exposure.include=toggles,parallelruns");

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
  void offersTheEndpointsAndTheHealthContributor() {
    runner.run(context -> assertThat(context).hasSingleBean(TogglesEndpoint.class)
        .hasSingleBean(ParallelRunsEndpoint.class).hasBean("progressiveHealthContributor"));
  }

  @Test
  void noEndpointsWithoutActuatorAndNoHealthWhenTurnedOff() {
    runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context ->
        assertThat(context).doesNotHaveBean(TogglesEndpoint.class).doesNotHaveBean(ParallelRunsEndpoint.class)
            .hasSingleBean(Toggles.class));
    runner.withPropertyValues("management.health.progressive.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean("progressiveHealthContributor"));
  }

  @Test
  void theWeightsBodyAdviceComesOnlyWithSpringMvc() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.featuresAndOperations())
        .withPropertyValues("progressive.toggles.sources[0].location=flags.json",
            "progressive.toggles.open-feature.enabled=false",
            "management.endpoints.web.exposure.include=toggles");
    web.run(context -> assertThat(context).hasSingleBean(TogglesRequestBodyAdvice.class));
    web.withClassLoader(new FilteredClassLoader("org.springframework.web.servlet")).run(context ->
        assertThat(context).hasNotFailed().hasSingleBean(TogglesEndpoint.class)
            .doesNotHaveBean(TogglesRequestBodyAdvice.class));
    runner.run(context -> assertThat(context).doesNotHaveBean(TogglesRequestBodyAdvice.class));
  }

  @Test
  void underWebFluxABodyFilterDoesWhatTheAdviceDoes() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.featuresAndOperations())
        .withPropertyValues("progressive.toggles.sources[0].location=flags.json",
            "progressive.toggles.open-feature.enabled=false",
            "management.endpoints.web.exposure.include=toggles")
        .run(context -> assertThat(context).hasSingleBean(TogglesWebFluxBodyFilter.class)
            .doesNotHaveBean(TogglesRequestBodyAdvice.class));
    runner.run(context -> assertThat(context).doesNotHaveBean(TogglesWebFluxBodyFilter.class));
  }

  @Test
  void noEndpointsUnlessExposed() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=health").run(context ->
        assertThat(context).doesNotHaveBean(TogglesEndpoint.class).doesNotHaveBean(ParallelRunsEndpoint.class));
  }

  @Test
  void noTogglesEndpointWithoutToggles() {
    runner.withPropertyValues("progressive.toggles.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(TogglesEndpoint.class).hasSingleBean(ParallelRunsEndpoint.class)
            .doesNotHaveBean("progressiveHealthContributor"));
  }

  @Test
  void backsOffForTheUsersEndpoint() {
    runner.withBean("myToggles", TogglesEndpoint.class,
            () -> new TogglesEndpoint(Toggles.builder().build(), false, false))
        .run(context -> assertThat(context).getBean(TogglesEndpoint.class).isSameAs(context.getBean("myToggles")));
  }

  @Test
  void withoutSpringSecurityWritesAreRefusedWith403AndAWarningSaysHowToTurnThemOn(CapturedOutput output) {
    runner.withClassLoader(NO_SECURITY).run(context -> {
      TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
      Toggles toggles = context.getBean(Toggles.class);
      WebEndpointResponse<Object> response =
          endpoint.change("new-menu", "DISABLED", null, null, "try", null, user("mallory"));
      assertThat(response.getStatus()).isEqualTo(403);
      assertThat(((Map<?, ?>) response.getBody()).get("error").toString())
          .contains("progressive.security.allow-unsecured-writes=true");
      assertThat(endpoint.removeOverride("new-menu", null, null, user("mallory")).getStatus()).isEqualTo(403);
      assertThat(toggles.isEnabled("new-menu")).isFalse();
      assertThat(toggles.admin().flag("new-menu").orElseThrow().version()).isZero();
      assertThat(toggles.admin().history(Instant.EPOCH, Instant.now().plusSeconds(60), 10)).isEmpty();
      assertThat(endpoint.flags().flags()).extracting(FlagDescriptor::key).contains("new-menu");
    });
    assertThat(output).contains("The toggles actuator endpoint is read-only")
        .contains("spring-boot-starter-security");
  }

  @Test
  void anExplicitPropertyTurnsWritesOnWithoutSecurity() {
    runner.withClassLoader(NO_SECURITY).withPropertyValues("progressive.security.allow-unsecured-writes=true")
        .run(context -> {
          TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
          WebEndpointResponse<Object> response =
              endpoint.change("color", null, "red", null, "brand", null, SecurityContext.NONE);
          assertThat(response.getStatus()).isEqualTo(200);
          Toggles toggles = context.getBean(Toggles.class);
          assertThat(toggles.stringValue("color", null, "none")).isEqualTo("#f00");
          List<AuditEntry> history = toggles.admin().history("color", Instant.EPOCH, Instant.now().plusSeconds(60),
              10);
          assertThat(history).singleElement().extracting(AuditEntry::actor).isEqualTo(TogglesEndpoint.ANONYMOUS);
        });
  }

  @Test
  void withSpringSecurityAWriteWithoutPrincipalIsRefusedSoJmxCannotBypassTheRole() {
    runner.run(context -> {
      TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
      assertThat(endpoint.change("new-menu", "DISABLED", null, null, null, null, SecurityContext.NONE).getStatus())
          .isEqualTo(403);
      assertThat(context.getBean(Toggles.class).admin().flag("new-menu").orElseThrow().version()).isZero();
      assertThat(endpoint.change("new-menu", "DISABLED", null, null, "why", null, user("alice")).getStatus())
          .isEqualTo(200);
    });
  }

  @Test
  void theLongestReasonIsConfigurable() {
    runner.run(context -> {
      TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
      WebEndpointResponse<Object> refused =
          endpoint.change("new-menu", "DISABLED", null, null, "x".repeat(1_001), null, user("alice"));
      assertThat(refused.getStatus()).isEqualTo(400);
      assertThat(((Map<?, ?>) refused.getBody()).get("field")).isEqualTo("reason");
      assertThat(context.getBean(Toggles.class).admin().flag("new-menu").orElseThrow().version()).isZero();
    });
    runner.withPropertyValues("progressive.toggles.admin.max-reason-length=2000").run(context -> {
      TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
      assertThat(endpoint.change("new-menu", "DISABLED", null, null, "x".repeat(2_000), null, user("alice"))
          .getStatus()).isEqualTo(200);
      assertThat(endpoint.change("new-menu", "ENABLED", null, null, "x".repeat(2_001), null, user("alice"))
          .getStatus()).isEqualTo(400);
    });
  }

  @Test
  void healthIsOneIndicatorPerSourceAndStoreWithTheCauseWhenDown(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"flags\": {\"x\": {\"state\": \"ENABLED\", \"variants\": {\"a\": true},"
        + " \"defaultVariant\": \"b\"}}}");
    runner.withPropertyValues("progressive.toggles.sources[1].type=file",
        "progressive.toggles.sources[1].location=" + bad).run(context -> {
          HealthContributors health = context.getBean(TogglesHealthContributor.class);
          String badName = TogglesHealthContributor.safe("file:" + bad);
          assertThat(health.stream().map(HealthContributors.Entry::name))
              .containsExactly("classpath-flags.json", badName, "store");
          Health classpath = ((HealthIndicator) health.getContributor("classpath-flags.json")).health();
          assertThat(classpath.getStatus()).isEqualTo(Status.UP);
          assertThat(classpath.getDetails()).containsEntry("name", "classpath:flags.json");
          Health down = ((HealthIndicator) health.getContributor(badName)).health();
          assertThat(down.getStatus()).isEqualTo(Status.DOWN);
          assertThat(down.getDetails().get("error").toString()).contains("defaultVariant");
          assertThat(((HealthIndicator) health.getContributor("store")).health().getStatus()).isEqualTo(Status.UP);
          assertThat(health.getContributor("nope")).isNull();
        });
  }

  /** A database that is down. */
  static class DownDataSource extends AbstractDataSource {
    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLException("connection refused");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }
  }

  @Test
  void whenTheStoreIsDownAWriteIs503AndTheStoresHealthIsStaleWithTheCause() {
    runner.withBean(DataSource.class, DownDataSource::new)
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.toggles.jdbc.retry-attempts=1",
            "progressive.toggles.jdbc.retry-wait=1ms", "progressive.toggles.jdbc.listen-notify=false",
            "progressive.toggles.jdbc.poll-interval=1h")
        .run(context -> {
          TogglesEndpoint endpoint = context.getBean(TogglesEndpoint.class);
          WebEndpointResponse<Object> response =
              endpoint.change("new-menu", "DISABLED", null, null, "why", null, user("alice"));
          assertThat(response.getStatus()).isEqualTo(503);
          assertThat(((Map<?, ?>) response.getBody()).get("error").toString()).contains("unavailable");
          assertThat(context.getBean(Toggles.class).isEnabled("new-menu")).isFalse();
          Health store = ((HealthIndicator) context.getBean(TogglesHealthContributor.class).getContributor("store"))
              .health();
          assertThat(store.getStatus()).as("the last known overrides serve").isEqualTo(TogglesHealthContributor.STALE);
          assertThat(store.getDetails().get("error").toString()).contains("connection refused");
        });
  }

  @Test
  void theParallelRunsEndpointShowsCountsPerOutcomeAndRecentMismatchesWithDiffs() throws Exception {
    runner.run(context -> {
      ParallelRunner parallelRunner = context.getBean(ParallelRunner.class);
      Experiment<Integer, Map<String, Object>, Map<String, Object>> pricing =
          Experiment.<Integer, Map<String, Object>, Map<String, Object>>builder("pricing", parallelRunner)
              .control(n -> Map.of("total", n))
              .candidate("rewrite", n -> Map.of("total", n == 2 ? 3 : n))
              .mode(Mode.SEQUENTIAL)
              .build();
      pricing.run(1);
      pricing.run(2);
      ParallelRunsEndpoint endpoint = context.getBean(ParallelRunsEndpoint.class);
      ExperimentDescriptor listed = endpoint.experiments().experiments().get(0);
      assertThat(listed.name()).isEqualTo("pricing");
      assertThat(listed.comparisons()).containsEntry("match", 1L).containsEntry("mismatch", 1L)
          .containsEntry("timeout", 0L);
      assertThat(listed.recentMismatches()).isNull();
      WebEndpointResponse<Object> one = endpoint.experiment("pricing");
      assertThat(one.getStatus()).isEqualTo(200);
      ExperimentDescriptor detailed = (ExperimentDescriptor) one.getBody();
      assertThat(detailed.recentMismatches()).singleElement().satisfies(m -> {
        assertThat(m.candidate()).isEqualTo("rewrite");
        assertThat(m.differences()).singleElement().asString().startsWith("total: 2").endsWith("3");
      });
      assertThat(endpoint.experiment("nope").getStatus()).isEqualTo(404);
    });
  }
}
