package dev.progressive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.canary.Canary;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.spring.actuate.CanariesEndpoint;
import dev.progressive.spring.actuate.ParallelRunsEndpoint;
import dev.progressive.spring.actuate.TogglesEndpoint;
import dev.progressive.spring.annotation.CanaryRoutedAspect;
import dev.progressive.spring.annotation.FeatureToggleAspect;
import dev.progressive.spring.annotation.ParallelRunAspect;
import dev.progressive.spring.annotation.ProgressiveAnnotationsAutoConfiguration;
import dev.progressive.spring.annotation.ProgressiveAnnotationValidator;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.canary.ProgressiveCanaryEndpointAutoConfiguration;
import dev.progressive.spring.canary.ProgressiveCanaryHttpAutoConfiguration;
import dev.progressive.spring.console.ProgressiveConsoleAutoConfiguration;
import dev.progressive.spring.http.CanaryHttpRouting;
import dev.progressive.spring.openfeature.ProgressiveOpenFeatureAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunEndpointAutoConfiguration;
import dev.progressive.spring.security.ProgressiveSecurityAutoConfiguration;
import dev.progressive.spring.shadow.ProgressiveShadowAutoConfiguration;
import dev.progressive.spring.shadow.ShadowFilter;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesEndpointAutoConfiguration;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.FlagStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The starter by feature: each auto-configuration works alone, needs nothing from a feature that is off or absent,
 * and switching one feature off, or leaving its library out, leaves the others working.
 */
class StarterFeaturesTest {

  private static final String[] QUIET = {"progressive.toggles.open-feature.domain=starter-features-test",
      "management.endpoints.web.exposure.include=toggles,canaries,parallelruns"};

  /** Every auto-configuration of the starter, as the imports file registers them. */
  private final ApplicationContextRunner everything = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.featuresAndOperations(
          ProgressiveCanaryHttpAutoConfiguration.class, ProgressiveAnnotationsAutoConfiguration.class,
          ProgressiveConsoleAutoConfiguration.class))
      .withPropertyValues(QUIET)
      .withPropertyValues("progressive.canary.canaries.checkout-v2.steps[0].weight=5");

  private static ApplicationContextRunner alone(Class<?> autoConfiguration) {
    return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(autoConfiguration))
        .withPropertyValues(QUIET);
  }

  @Test
  void everyFeatureIsOnByDefault() {
    everything.run(context -> assertThat(context).hasNotFailed()
        .hasSingleBean(Toggles.class).hasSingleBean(FlagStore.class).hasSingleBean(ProgressiveProvider.class)
        .hasSingleBean(Client.class).hasSingleBean(CanaryRegistry.class).hasSingleBean(Canary.class)
        .hasSingleBean(ParallelRunner.class).hasSingleBean(TogglesEndpoint.class)
        .hasSingleBean(CanariesEndpoint.class).hasSingleBean(ParallelRunsEndpoint.class)
        .hasSingleBean(FeatureToggleAspect.class).hasSingleBean(CanaryRoutedAspect.class)
        .hasSingleBean(ParallelRunAspect.class).hasSingleBean(ProgressiveAnnotationValidator.class)
        .hasBean("canaryAspect"));
  }

  @Test
  void togglesAloneMakeTheFlagsAndNothingOfTheOtherFeatures() {
    alone(ProgressiveTogglesAutoConfiguration.class).run(context -> assertThat(context).hasNotFailed()
        .hasSingleBean(Toggles.class).hasSingleBean(FlagStore.class)
        .doesNotHaveBean(ProgressiveProvider.class).doesNotHaveBean(CanaryRegistry.class)
        .doesNotHaveBean(ParallelRunner.class).doesNotHaveBean(TogglesEndpoint.class));
  }

  @Test
  void openFeatureAloneBacksOffWithoutTogglesAndServesAnyTogglesBean() {
    alone(ProgressiveOpenFeatureAutoConfiguration.class).run(context -> assertThat(context).hasNotFailed()
        .doesNotHaveBean(ProgressiveProvider.class).doesNotHaveBean(OpenFeatureAPI.class));
    alone(ProgressiveOpenFeatureAutoConfiguration.class)
        .withBean(Toggles.class, () -> Toggles.builder().build())
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ProgressiveProvider.class)
            .hasSingleBean(Client.class)
            .getBean(ProgressiveProvider.class).isNotNull());
  }

  @Test
  void canaryAloneMakesItsRegistryWithoutTheOtherFeatures() {
    alone(ProgressiveCanaryAutoConfiguration.class).run(context -> assertThat(context).hasNotFailed()
        .hasSingleBean(CanaryRegistry.class).doesNotHaveBean(Toggles.class).doesNotHaveBean(ParallelRunner.class));
  }

  @Test
  void parallelRunAloneMakesItsRunnerWithoutTheOtherFeatures() {
    alone(ProgressiveParallelRunAutoConfiguration.class).run(context -> assertThat(context).hasNotFailed()
        .hasSingleBean(ParallelRunner.class).doesNotHaveBean(Toggles.class).doesNotHaveBean(CanaryRegistry.class));
  }

  @Test
  void theAnnotationsAloneCheckAtStartupAndAddTheAspectOfEachFeatureBeanThatExists() {
    alone(ProgressiveAnnotationsAutoConfiguration.class).run(context -> assertThat(context).hasNotFailed()
        .hasSingleBean(ProgressiveAnnotationValidator.class).doesNotHaveBean(FeatureToggleAspect.class)
        .doesNotHaveBean(CanaryRoutedAspect.class).doesNotHaveBean(ParallelRunAspect.class));
    alone(ProgressiveAnnotationsAutoConfiguration.class)
        .withBean(Toggles.class, () -> Toggles.builder().build())
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(FeatureToggleAspect.class)
            .doesNotHaveBean(CanaryRoutedAspect.class).doesNotHaveBean(ParallelRunAspect.class));
  }

  @Test
  void shadowingAloneNeedsNoParallelRunner() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProgressiveShadowAutoConfiguration.class))
        .withPropertyValues("progressive.parallel-run.shadow.candidate=http://127.0.0.1:1",
            "progressive.parallel-run.shadow.routes[0].name=orders",
            "progressive.parallel-run.shadow.routes[0].path=/orders/**")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HttpShadow.class)
            .hasSingleBean(ShadowFilter.class).doesNotHaveBean(ParallelRunner.class));
  }

  @Test
  void securityAloneGuardsTheEndpointsWithoutAnyFeature() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
            ServletWebSecurityAutoConfiguration.class, ProgressiveSecurityAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().hasBean("progressiveSecurityFilterChain")
            .doesNotHaveBean(Toggles.class));
  }

  @Test
  void theConsoleAloneServesItsPage() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProgressiveConsoleAutoConfiguration.class))
        .withPropertyValues("progressive.console.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().hasBean("progressiveConsoleRoutes")
            .doesNotHaveBean(Toggles.class));
  }

  @Test
  void theOperationsSideOfEachFeatureBacksOffWithoutTheFeature() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProgressiveTogglesEndpointAutoConfiguration.class,
            ProgressiveCanaryEndpointAutoConfiguration.class, ProgressiveParallelRunEndpointAutoConfiguration.class,
            ProgressiveCanaryHttpAutoConfiguration.class))
        .withPropertyValues(QUIET)
        .withPropertyValues("progressive.canary.http-clients.pricing.canary=pricing-v2")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TogglesEndpoint.class)
            .doesNotHaveBean(CanariesEndpoint.class).doesNotHaveBean(ParallelRunsEndpoint.class)
            .doesNotHaveBean(CanaryHttpRouting.class));
  }

  @Test
  void togglesOffLeaveCanaryAndParallelRunWorkingOnAnApplicationsToggles() {
    everything.withPropertyValues("progressive.toggles.enabled=false")
        .withBean(Toggles.class, () -> Toggles.builder().build())
        .run(context -> assertThat(context).hasNotFailed()
            .doesNotHaveBean(FlagStore.class).doesNotHaveBean(ProgressiveProvider.class)
            .hasSingleBean(FeatureToggleAspect.class).hasSingleBean(Canary.class).hasSingleBean(CanariesEndpoint.class)
            .hasSingleBean(ParallelRunner.class).hasSingleBean(ParallelRunsEndpoint.class)
            .hasSingleBean(TogglesEndpoint.class).hasSingleBean(ProgressiveAnnotationValidator.class));
  }

  @Test
  void openFeatureOffLeavesTheToggles() {
    everything.withPropertyValues("progressive.toggles.open-feature.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ProgressiveProvider.class)
            .doesNotHaveBean(Client.class).hasSingleBean(Toggles.class).hasSingleBean(TogglesEndpoint.class));
  }

  @Test
  void canaryOffLeavesTogglesAndParallelRun() {
    everything.withPropertyValues("progressive.canary.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CanaryRegistry.class)
            .doesNotHaveBean(CanariesEndpoint.class).doesNotHaveBean(CanaryRoutedAspect.class)
            .hasSingleBean(Toggles.class).hasSingleBean(TogglesEndpoint.class).hasSingleBean(ParallelRunner.class)
            .hasSingleBean(ParallelRunsEndpoint.class).hasSingleBean(FeatureToggleAspect.class));
  }

  @Test
  void parallelRunOffLeavesTogglesAndCanary() {
    everything.withPropertyValues("progressive.parallel-run.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelRunner.class)
            .doesNotHaveBean(ParallelRunsEndpoint.class).doesNotHaveBean(ParallelRunAspect.class)
            .hasSingleBean(Toggles.class).hasSingleBean(Canary.class).hasSingleBean(CanariesEndpoint.class));
  }

  @Test
  void withoutAFeaturesLibraryTheOthersStillWork() {
    everything.withClassLoader(new FilteredClassLoader(OpenFeatureAPI.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ProgressiveProvider.class)
            .hasSingleBean(Toggles.class).hasSingleBean(CanaryRegistry.class).hasSingleBean(ParallelRunner.class));
    everything.withClassLoader(new FilteredClassLoader(ParallelRunner.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelRunner.class)
            .doesNotHaveBean(ParallelRunsEndpoint.class).hasSingleBean(Toggles.class)
            .hasSingleBean(CanaryRegistry.class));
    everything.withClassLoader(new FilteredClassLoader(Canary.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CanaryRegistry.class)
            .doesNotHaveBean(CanariesEndpoint.class).hasSingleBean(Toggles.class)
            .hasSingleBean(ParallelRunner.class));
  }

  @Test
  void withoutActuatorOrAspectJTheFeaturesStillWork() {
    everything.withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TogglesEndpoint.class)
            .doesNotHaveBean(CanariesEndpoint.class).doesNotHaveBean(ParallelRunsEndpoint.class)
            .hasSingleBean(Toggles.class).hasSingleBean(CanaryRegistry.class).hasSingleBean(ParallelRunner.class));
    everything.withClassLoader(new FilteredClassLoader("org.aspectj.weaver"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FeatureToggleAspect.class)
            .doesNotHaveBean(CanaryRoutedAspect.class).doesNotHaveBean(ParallelRunAspect.class)
            .doesNotHaveBean(ProgressiveAnnotationValidator.class)
            .hasSingleBean(Toggles.class).hasSingleBean(CanaryRegistry.class).hasSingleBean(ParallelRunner.class));
  }
}
