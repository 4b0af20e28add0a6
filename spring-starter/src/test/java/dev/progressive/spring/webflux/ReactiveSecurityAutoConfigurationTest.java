package dev.progressive.spring.webflux;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.spring.security.ProgressiveSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/** When the starter adds its reactive security chain, and when it backs off. */
class ReactiveSecurityAutoConfigurationTest {

  private static final AutoConfigurations CONFIGURATIONS = StarterAutoConfigurations.featuresAndOperations(
      ReactiveWebSecurityAutoConfiguration.class, ReactiveManagementWebSecurityAutoConfiguration.class,
      ReactiveUserDetailsServiceAutoConfiguration.class, WebFluxAutoConfiguration.class);

  private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
      .withConfiguration(CONFIGURATIONS)
      .withPropertyValues("progressive.toggles.open-feature.enabled=false");

  @Test
  void aReactiveApplicationWithSpringSecurityGetsTheChain() {
    reactive.run(context -> {
      assertThat(context).hasNotFailed().hasBean("progressiveSecurityWebFilterChain");
      assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).hasSizeGreaterThanOrEqualTo(2);
    });
  }

  @Test
  void backsOffForTheApplicationsOwnChainOfThatName() {
    SecurityWebFilterChain own = ServerHttpSecurity.http().securityMatcher(ServerWebExchangeMatchers.anyExchange())
        .build();
    reactive.withBean("progressiveSecurityWebFilterChain", SecurityWebFilterChain.class, () -> own).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean("progressiveSecurityWebFilterChain")).isSameAs(own);
    });
  }

  @Test
  void withoutSpringSecuritysWebFluxSupportThereIsNoChain() {
    reactive.withClassLoader(new FilteredClassLoader(ServerHttpSecurity.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean("progressiveSecurityWebFilterChain");
    });
  }

  @Test
  void aServletApplicationGetsNoReactiveChain() {
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.features(
            ProgressiveSecurityAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.open-feature.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("progressiveSecurityWebFilterChain"));
  }
}
