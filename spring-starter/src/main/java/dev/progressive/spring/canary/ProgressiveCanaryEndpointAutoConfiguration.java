package dev.progressive.spring.canary;

import dev.progressive.spring.ProgressiveSecurityProperties;
import dev.progressive.spring.actuate.CanariesEndpoint;
import dev.progressive.spring.actuate.CanariesHealthContributor;
import dev.progressive.spring.actuate.EndpointWritePolicy;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of the operations side of canary releases, once a {@link CanaryRegistry} bean exists: the
 * {@code canaries} actuator endpoint and the {@code canaries} health contributor, one indicator per canary.
 */
@AutoConfiguration(after = ProgressiveCanaryAutoConfiguration.class)
@ConditionalOnBean(CanaryRegistry.class)
@EnableConfigurationProperties(ProgressiveSecurityProperties.class)
public class ProgressiveCanaryEndpointAutoConfiguration {

  /** The {@code canaries} actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {

    /**
     * The {@code canaries} endpoint. Its writes are on or off exactly as the {@code toggles} endpoint's: with Spring
     * Security (and then need the write role), or with {@code progressive.security.allow-unsecured-writes}.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    CanariesEndpoint canariesEndpoint(CanaryRegistry registry, ProgressiveSecurityProperties security,
        ResourceLoader resourceLoader) {
      EndpointWritePolicy policy = EndpointWritePolicy.of("canaries", "promote, pause, resume or abort canaries",
          security, resourceLoader.getClassLoader());
      return new CanariesEndpoint(registry, policy.writes(), policy.requirePrincipal());
    }
  }

  /** The health of canary releases, as the {@code canaries} contributor: one indicator per canary. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthContributor.class)
  @ConditionalOnEnabledHealthIndicator("canaries")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "canariesHealthContributor")
    CanariesHealthContributor canariesHealthContributor(CanaryRegistry registry) {
      return new CanariesHealthContributor(registry);
    }
  }
}
