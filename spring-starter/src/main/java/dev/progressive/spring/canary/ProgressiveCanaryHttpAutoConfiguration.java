package dev.progressive.spring.canary;

import dev.progressive.spring.http.CanaryHttpRouting;
import dev.progressive.spring.http.CanaryRestClientCustomizer;
import dev.progressive.spring.http.CanaryWebClientCustomizer;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of HTTP canary routing: with at least one client under
 * {@code progressive.canary.http-clients}, a {@link CanaryHttpRouting} bean, and customizers that add its
 * interceptor to every {@code RestClient.Builder} and, with WebFlux, its filter to every {@code WebClient.Builder}
 * that Spring Boot makes. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(after = ProgressiveCanaryAutoConfiguration.class)
@ConditionalOnClass(name = {"dev.progressive.canary.Canary",
    "org.springframework.http.client.ClientHttpRequestInterceptor"})
@ConditionalOnBooleanProperty(name = "progressive.canary.enabled", matchIfMissing = true)
@Conditional(ProgressiveCanaryHttpAutoConfiguration.OnHttpClientsCondition.class)
@ConditionalOnBean(CanaryRegistry.class)
@EnableConfigurationProperties(ProgressiveCanaryProperties.class)
public class ProgressiveCanaryHttpAutoConfiguration {

  /**
   * The routing of the configured clients, checked at startup: an unknown canary or a missing or invalid URL fails
   * the startup naming the property.
   */
  @Bean
  @ConditionalOnMissingBean
  CanaryHttpRouting progressiveCanaryHttpRouting(ProgressiveCanaryProperties properties, CanaryRegistry registry,
      Environment environment) {
    return new CanaryHttpRouting(properties.getHttpClients(), registry, environment);
  }

  /** The interceptor on every {@code RestClient.Builder} of Spring Boot. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.web.client.RestClient",
      "org.springframework.boot.restclient.RestClientCustomizer"})
  static class RestClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CanaryRestClientCustomizer progressiveCanaryRestClientCustomizer(CanaryHttpRouting routing) {
      return new CanaryRestClientCustomizer(routing);
    }
  }

  /** The exchange filter on every {@code WebClient.Builder} of Spring Boot. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.web.reactive.function.client.WebClient",
      "org.springframework.boot.webclient.WebClientCustomizer"})
  static class WebClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CanaryWebClientCustomizer progressiveCanaryWebClientCustomizer(CanaryHttpRouting routing) {
      return new CanaryWebClientCustomizer(routing);
    }
  }

  /** Matches when at least one client is configured under {@code progressive.canary.http-clients}. */
  static class OnHttpClientsCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Map<String, ProgressiveCanaryProperties.HttpClient> clients = Binder.get(context.getEnvironment())
          .bind("progressive.canary.http-clients",
              Bindable.mapOf(String.class, ProgressiveCanaryProperties.HttpClient.class))
          .orElse(Map.of());
      return clients.isEmpty()
          ? ConditionOutcome.noMatch("no client under progressive.canary.http-clients")
          : ConditionOutcome.match("HTTP clients " + clients.keySet() + " under progressive.canary.http-clients");
    }
  }
}
