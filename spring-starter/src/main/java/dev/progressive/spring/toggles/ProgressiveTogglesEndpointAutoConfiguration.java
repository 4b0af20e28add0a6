package dev.progressive.spring.toggles;

import dev.progressive.spring.ProgressiveSecurityProperties;
import dev.progressive.spring.actuate.EndpointWritePolicy;
import dev.progressive.spring.actuate.TogglesEndpoint;
import dev.progressive.spring.actuate.TogglesHealthContributor;
import dev.progressive.spring.actuate.TogglesRequestBodyAdvice;
import dev.progressive.spring.actuate.TogglesWebFluxBodyFilter;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequestRules;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of the operations side of feature toggles, once a {@link Toggles} bean exists: the
 * {@code toggles} actuator endpoint, the strict reading of its write bodies under Spring MVC or WebFlux, and the
 * {@code progressive} health contributor of the flag sources and the store.
 */
@AutoConfiguration(after = ProgressiveTogglesAutoConfiguration.class)
@ConditionalOnBean(Toggles.class)
@EnableConfigurationProperties(ProgressiveSecurityProperties.class)
public class ProgressiveTogglesEndpointAutoConfiguration {

  /** The {@code toggles} actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {

    /**
     * The {@code toggles} endpoint. Its writes are on when Spring Security is on the classpath (and then need the
     * write role), or when {@code progressive.security.allow-unsecured-writes} is true; otherwise they answer 403,
     * and a warning at startup says how to turn them on.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    TogglesEndpoint togglesEndpoint(Toggles toggles, ProgressiveSecurityProperties security,
        ObjectProvider<ProgressiveTogglesProperties> togglesProperties, ResourceLoader resourceLoader) {
      EndpointWritePolicy policy = EndpointWritePolicy.of("toggles", "change flags", security,
          resourceLoader.getClassLoader());
      ProgressiveTogglesProperties properties = togglesProperties.getIfAvailable(ProgressiveTogglesProperties::new);
      ChangeRequestRules rules = ChangeRequestRules.ofDefaults()
          .withMaxTextLength(properties.getAdmin().getMaxReasonLength());
      return new TogglesEndpoint(toggles, policy.writes(), policy.requirePrincipal(), rules);
    }
  }

  /**
   * Reads the write bodies of the {@code toggles} and {@code canaries} endpoints strictly under Spring MVC, and lets
   * clients send {@code "weights"} as a JSON object, as DESIGN.md's contract says. Apart from the endpoint, so that
   * an application without Spring MVC never loads the advice's class. It is there whichever of the two endpoints is
   * exposed: it acts only on requests that the actuator's own handlers take.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class WebMvcEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TogglesRequestBodyAdvice togglesRequestBodyAdvice(ObjectProvider<WebEndpointProperties> webEndpoints) {
      WebEndpointProperties properties = webEndpoints.getIfAvailable();
      return new TogglesRequestBodyAdvice(properties == null ? "/actuator" : properties.getBasePath());
    }
  }

  /** Under WebFlux, what {@link WebMvcEndpointConfiguration} does under Spring MVC. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.web.server.WebFilter"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  static class WebFluxEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TogglesWebFluxBodyFilter togglesWebFluxBodyFilter(ObjectProvider<WebEndpointProperties> webEndpoints) {
      WebEndpointProperties properties = webEndpoints.getIfAvailable();
      return new TogglesWebFluxBodyFilter(properties == null ? "/actuator" : properties.getBasePath());
    }
  }

  /** The health of flag sources and store, as the {@code progressive} contributor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthContributor.class)
  @ConditionalOnEnabledHealthIndicator("progressive")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "progressiveHealthContributor")
    TogglesHealthContributor progressiveHealthContributor(Toggles toggles) {
      return new TogglesHealthContributor(toggles);
    }
  }
}
