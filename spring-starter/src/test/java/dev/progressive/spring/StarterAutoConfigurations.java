package dev.progressive.spring;

import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.canary.ProgressiveCanaryEndpointAutoConfiguration;
import dev.progressive.spring.openfeature.ProgressiveOpenFeatureAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunEndpointAutoConfiguration;
import dev.progressive.spring.security.ProgressiveSecurityAutoConfiguration;
import dev.progressive.spring.shadow.ProgressiveShadowAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesEndpointAutoConfiguration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The starter's auto-configurations in groups, for tests that run several features at once. */
public final class StarterAutoConfigurations {

  /** The features themselves: toggles, OpenFeature, canary, parallel run and shadowing. */
  public static final List<Class<?>> FEATURES = List.of(ProgressiveTogglesAutoConfiguration.class,
      ProgressiveOpenFeatureAutoConfiguration.class, ProgressiveCanaryAutoConfiguration.class,
      ProgressiveParallelRunAutoConfiguration.class, ProgressiveShadowAutoConfiguration.class);

  /** Their operations side: the actuator endpoints and health contributors, and the endpoints' security. */
  public static final List<Class<?>> OPERATIONS = List.of(ProgressiveTogglesEndpointAutoConfiguration.class,
      ProgressiveCanaryEndpointAutoConfiguration.class, ProgressiveParallelRunEndpointAutoConfiguration.class,
      ProgressiveSecurityAutoConfiguration.class);

  private StarterAutoConfigurations() {
  }

  /** The features, and more. */
  public static AutoConfigurations features(Class<?>... more) {
    return of(FEATURES, List.of(), more);
  }

  /** The features, their operations side, and more. */
  public static AutoConfigurations featuresAndOperations(Class<?>... more) {
    return of(FEATURES, OPERATIONS, more);
  }

  private static AutoConfigurations of(List<Class<?>> first, List<Class<?>> second, Class<?>... more) {
    List<Class<?>> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(Arrays.asList(more));
    return AutoConfigurations.of(all.toArray(Class<?>[]::new));
  }
}
