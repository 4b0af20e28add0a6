package dev.progressive.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.spring.StarterAutoConfigurations;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;

class ProgressiveSecurityAutoConfigurationTest {

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.featuresAndOperations(SecurityAutoConfiguration.class,
          ServletWebSecurityAutoConfiguration.class))
      .withPropertyValues("progressive.toggles.open-feature.enabled=false");

  @Test
  void addsAChainForTheProgressiveEndpointsBesideBootsDefaultOne() {
    runner.run(context -> {
      assertThat(context).hasBean("progressiveSecurityFilterChain");
      assertThat(context.getBeansOfType(SecurityFilterChain.class)).as("Boot's default chain stays").hasSize(2);
    });
  }

  @Test
  void backsOffForTheUsersChainOfTheSameName() {
    SecurityFilterChain mine = new DefaultSecurityFilterChain(request -> false);
    runner.withBean("progressiveSecurityFilterChain", SecurityFilterChain.class, () -> mine)
        .run(context -> assertThat(context.getBean("progressiveSecurityFilterChain")).isSameAs(mine));
  }

  @Test
  void noChainWithoutSpringSecurityOrOutsideAServletApplication() {
    runner.withClassLoader(new FilteredClassLoader(HttpSecurity.class)).run(context ->
        assertThat(context).doesNotHaveBean("progressiveSecurityFilterChain"));
    new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.featuresAndOperations(SecurityAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.open-feature.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("progressiveSecurityFilterChain"));
  }
}
