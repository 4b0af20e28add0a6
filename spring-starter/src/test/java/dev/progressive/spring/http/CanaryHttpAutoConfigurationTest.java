package dev.progressive.spring.http;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.spring.canary.ProgressiveCanaryHttpAutoConfiguration;
import dev.progressive.spring.canary.CanaryRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** When HTTP canary routing is configured, when it backs off, and how a misconfiguration fails the startup. */
class CanaryHttpAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features(ProgressiveCanaryHttpAutoConfiguration.class, RestClientAutoConfiguration.class,
          WebClientAutoConfiguration.class))
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.enabled=false",
          "progressive.canary.canaries.pricing-v2.steps[0].weight=50");

  private final ApplicationContextRunner configured = runner.withPropertyValues(
      "progressive.canary.http-clients.pricing.canary=pricing-v2",
      "progressive.canary.http-clients.pricing.baseline-url=http://pricing-v1.local:8080/pricing",
      "progressive.canary.http-clients.pricing.canary-url=http://pricing-v2.local:8080/pricing");

  @Test
  void withoutHttpClientsNothingIsAddedToTheBuilders() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(CanaryRegistry.class);
      assertThat(context).doesNotHaveBean(CanaryHttpRouting.class)
          .doesNotHaveBean(CanaryRestClientCustomizer.class)
          .doesNotHaveBean(CanaryWebClientCustomizer.class);
    });
  }

  @Test
  void aConfiguredClientGetsTheRoutingAndBothCustomizers() {
    configured.run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(CanaryHttpRouting.class)
          .hasSingleBean(CanaryRestClientCustomizer.class)
          .hasSingleBean(CanaryWebClientCustomizer.class);
      assertThat(context.getBean(CanaryHttpRouting.class).clientNames()).containsExactly("pricing");
    });
  }

  @Test
  void withoutWebFluxOnlyTheRestClientIsCustomized() {
    configured.withClassLoader(new FilteredClassLoader(WebClient.class)).run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(CanaryRestClientCustomizer.class)
          .doesNotHaveBean(CanaryWebClientCustomizer.class);
    });
  }

  @Test
  void withoutRestClientOnlyTheWebClientIsCustomized() {
    configured.withClassLoader(new FilteredClassLoader(RestClient.class)).run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(CanaryHttpRouting.class)
          .doesNotHaveBean(CanaryRestClientCustomizer.class)
          .hasSingleBean(CanaryWebClientCustomizer.class);
    });
  }

  @Test
  void turningCanariesOffTurnsTheRoutingOff() {
    configured.withPropertyValues("progressive.canary.enabled=false").run(context -> {
      assertThat(context).hasNotFailed()
          .doesNotHaveBean(CanaryRegistry.class)
          .doesNotHaveBean(CanaryHttpRouting.class)
          .doesNotHaveBean(CanaryRestClientCustomizer.class);
    });
  }

  @Test
  void backsOffForTheApplicationsOwnBeans() {
    configured.withBean("myRouting", CanaryHttpRouting.class, () -> new CanaryHttpRouting(Map.of(),
            new CanaryRegistry(List.of()), new StandardEnvironment()))
        .withBean("myCustomizer", CanaryRestClientCustomizer.class,
            () -> new CanaryRestClientCustomizer(new CanaryHttpRouting(Map.of(), new CanaryRegistry(List.of()),
                new StandardEnvironment())))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).getBean(CanaryHttpRouting.class).isSameAs(context.getBean("myRouting"));
          assertThat(context).getBean(CanaryRestClientCustomizer.class).isSameAs(context.getBean("myCustomizer"));
          assertThat(context.getBean(CanaryHttpRouting.class).clientNames()).isEmpty();
          assertThat(context.getBean(CanaryWebClientCustomizer.class)).isNotNull();
        });
  }

  @Test
  void anUnknownCanaryFailsTheStartupNamingTheClientAndTheProperty() {
    configured.withPropertyValues("progressive.canary.http-clients.pricing.canary=pricing-v3").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure()))
          .contains("progressive.canary.http-clients.pricing.canary")
          .contains("HTTP client 'pricing'")
          .contains("'pricing-v3'")
          .contains("progressive.canary.canaries.pricing-v3");
    });
  }

  @Test
  void aMissingCanaryNameFailsTheStartup() {
    runner.withPropertyValues(
        "progressive.canary.http-clients.pricing.baseline-url=http://pricing-v1.local/pricing",
        "progressive.canary.http-clients.pricing.canary-url=http://pricing-v2.local/pricing").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.canary is required");
        });
  }

  @Test
  void aMissingUrlFailsTheStartupNamingTheProperty() {
    runner.withPropertyValues("progressive.canary.http-clients.pricing.canary=pricing-v2",
        "progressive.canary.http-clients.pricing.canary-url=http://pricing-v2.local/pricing").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.baseline-url is required");
        });
    runner.withPropertyValues("progressive.canary.http-clients.pricing.canary=pricing-v2",
        "progressive.canary.http-clients.pricing.baseline-url=http://pricing-v1.local/pricing").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.canary-url is required");
        });
  }

  @Test
  void anInvalidUrlFailsTheStartupNamingTheProperty() {
    configured.withPropertyValues("progressive.canary.http-clients.pricing.canary-url=ftp://pricing-v2.local/x")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.canary-url must be an absolute http or https URL")
              .contains("ftp://pricing-v2.local/x");
        });
    configured.withPropertyValues("progressive.canary.http-clients.pricing.baseline-url=http://pricing v1/x")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.baseline-url is not a valid URL");
        });
    configured.withPropertyValues(
        "progressive.canary.http-clients.pricing.baseline-url=http://pricing-v1.local/pricing?tenant=1")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.baseline-url must be a base URL without query");
        });
    configured.withPropertyValues(
        "progressive.canary.http-clients.pricing.canary-url=http://pricing-v1.local:8080/pricing/")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.canary-url must differ from");
        });
  }

  @Test
  void aPlaceholderThatResolvesAtStartupIsCheckedAtStartup() {
    configured.withPropertyValues("pricing.host=not a host",
        "progressive.canary.http-clients.pricing.canary-url=http://${pricing.host}/pricing").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context.getStartupFailure()))
              .contains("progressive.canary.http-clients.pricing.canary-url");
        });
  }

  @Test
  void aPlaceholderKnownOnlyLaterDoesNotFailTheStartup() {
    configured.withPropertyValues(
        "progressive.canary.http-clients.pricing.baseline-url=http://localhost:${local.server.port}/pricing")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(CanaryHttpRouting.class));
  }

  @Test
  void aBlankKeyHeaderFailsTheStartup() {
    configured.withPropertyValues("progressive.canary.http-clients.pricing.key-header= ").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure()))
          .contains("progressive.canary.http-clients.pricing.key-header must not be blank");
    });
  }

  /** The messages of the failure and its causes, innermost last. */
  private static String messages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
