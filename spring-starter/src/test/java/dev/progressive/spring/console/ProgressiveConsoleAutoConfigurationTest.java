package dev.progressive.spring.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.DefaultSecurityFilterChain;

/** When the console is configured, with what, and what a bad setting says. */
class ProgressiveConsoleAutoConfigurationTest {

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
          ServletWebSecurityAutoConfiguration.class, ProgressiveConsoleAutoConfiguration.class));

  @Test
  void offUnlessEnabled() {
    runner.run(context -> {
      assertThat(context).doesNotHaveBean("progressiveConsoleRoutes");
      assertThat(context).doesNotHaveBean("progressiveConsoleSecurityFilterChain");
      assertThat(context).doesNotHaveBean(ConsoleUsers.class);
    });
  }

  @Test
  void enabledItServesThePageBehindItsOwnChain() {
    runner.withPropertyValues("progressive.console.enabled=true").run(context -> {
      assertThat(context).hasBean("progressiveConsoleRoutes");
      assertThat(context).hasBean("progressiveConsoleHeadersFilter");
      assertThat(context).hasBean("progressiveConsoleSecurityFilterChain");
    });
  }

  @Test
  void backsOffForTheUsersChainOfTheSameName() {
    SecurityFilterChain mine = new DefaultSecurityFilterChain(request -> false);
    runner.withPropertyValues("progressive.console.enabled=true")
        .withBean("progressiveConsoleSecurityFilterChain", SecurityFilterChain.class, () -> mine)
        .run(context -> assertThat(context.getBean("progressiveConsoleSecurityFilterChain")).isSameAs(mine));
  }

  @Test
  void aBadPathOrPollIntervalFailsTheStartNamingTheProperty() {
    for (String path : new String[] {"progressive", "/progressive/", "/", "/a b", "/a/../b"}) {
      runner.withPropertyValues("progressive.console.enabled=true", "progressive.console.path=" + path)
          .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
              .hasMessageContaining("progressive.console.path").hasMessageContaining("'" + path + "'"));
    }
    runner.withPropertyValues("progressive.console.enabled=true", "progressive.console.poll-interval=100ms")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("progressive.console.poll-interval"));
  }

  @Test
  void withoutSpringSecurityEveryoneIsAnonymousAndChangesOnlyWithUnsecuredWritesAllowed() {
    WebApplicationContextRunner open = new WebApplicationContextRunner()
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withConfiguration(AutoConfigurations.of(ProgressiveConsoleAutoConfiguration.class))
        .withPropertyValues("progressive.console.enabled=true");
    open.run(context -> {
      assertThat(context).hasBean("progressiveConsoleRoutes");
      assertThat(context.getBean(ConsoleUsers.class).current(new MockHttpServletRequest()))
          .isEqualTo(new ConsoleUsers.User("anonymous", false));
    });
    open.withPropertyValues("progressive.security.allow-unsecured-writes=true").run(context ->
        assertThat(context.getBean(ConsoleUsers.class).current(new MockHttpServletRequest()))
            .isEqualTo(new ConsoleUsers.User("anonymous", true)));
  }

  @Test
  void notInAReactiveApplication() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProgressiveConsoleAutoConfiguration.class))
        .withPropertyValues("progressive.console.enabled=true")
        .run(context -> assertThat(context).doesNotHaveBean("progressiveConsoleRoutes"));
  }
}
