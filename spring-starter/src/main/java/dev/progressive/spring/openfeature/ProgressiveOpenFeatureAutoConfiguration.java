package dev.progressive.spring.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesProperties;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the OpenFeature face of the same {@link Toggles}: a {@link ProgressiveProvider}, its
 * registration with the JVM-wide {@link OpenFeatureAPI} (as the default provider, or under
 * {@code progressive.toggles.open-feature.domain}), and a {@link Client}. Off with
 * {@code progressive.toggles.open-feature.enabled=false}, or with the toggles themselves. Every bean backs off when
 * the application declares its own.
 */
@AutoConfiguration(after = ProgressiveTogglesAutoConfiguration.class)
@ConditionalOnClass({OpenFeatureAPI.class, Toggles.class})
@ConditionalOnBooleanProperty(name = "progressive.toggles.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "progressive.toggles.open-feature.enabled", matchIfMissing = true)
@ConditionalOnBean(Toggles.class)
@EnableConfigurationProperties(ProgressiveTogglesProperties.class)
public class ProgressiveOpenFeatureAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ProgressiveProvider progressiveProvider(Toggles toggles) {
    return new ProgressiveProvider(toggles);
  }

  /** The JVM-wide API. Closing the context must not shut it down for everyone else in the JVM. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  OpenFeatureAPI openFeatureApi() {
    return OpenFeatureAPI.getInstance();
  }

  @Bean
  @ConditionalOnMissingBean
  OpenFeatureRegistration progressiveOpenFeatureRegistration(OpenFeatureAPI api, ProgressiveProvider provider,
      ProgressiveTogglesProperties properties) {
    return new OpenFeatureRegistration(api, provider, properties.getOpenFeature().getDomain());
  }

  @Bean
  @ConditionalOnMissingBean
  Client progressiveOpenFeatureClient(OpenFeatureAPI api, OpenFeatureRegistration registration) {
    return registration.domain() == null ? api.getClient() : api.getClient(registration.domain());
  }
}
