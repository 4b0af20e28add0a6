package dev.progressive.spring.annotation;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.spring.canary.CanaryRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/** {@code @CanaryRouted}: routing by the canary's weight and key, and startup validation. */
class CanaryRoutedAspectTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features(AopAutoConfiguration.class,
          ProgressiveAnnotationsAutoConfiguration.class))
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.enabled=false",
          "progressive.canary.canaries.checkout-v2.steps[0].weight=5");

  public static class Checkout {
    @CanaryRouted(name = "checkout-v2", candidate = "newCheckout", key = "#customer")
    public String pay(String customer, int cents) {
      return "old " + customer + " " + cents;
    }

    @CanaryRouted(name = "checkout-v2", candidate = "newCheckout")
    public String whoami() {
      return "old";
    }

    @CanaryRouted(name = "checkout-v2", candidate = "newCheckout", key = "#customer")
    public String fail(String customer) {
      throw new IllegalStateException("baseline failed for " + customer);
    }
  }

  public static class NewCheckout {
    public String pay(String customer, int cents) {
      return "new " + customer + " " + cents;
    }

    public String whoami() {
      return "new";
    }

    public String fail(String customer) {
      return "new " + customer;
    }
  }

  public static class UnknownCanary {
    @CanaryRouted(name = "nope", candidate = "newCheckout")
    public String pay(String customer, int cents) {
      return "old";
    }
  }

  public static class NoSuchMethod {
    @CanaryRouted(name = "checkout-v2", candidate = "newCheckout")
    public String refund(String customer) {
      return "old";
    }
  }

  @Test
  void routesToTheBaselineWhilePendingAndToTheCandidateOncePromotedWithTheSameArguments() {
    runner.withBean(Checkout.class).withBean("newCheckout", NewCheckout.class).run(context -> {
      assertThat(context).hasNotFailed();
      Checkout checkout = context.getBean(Checkout.class);
      dev.progressive.canary.Canary canary = context.getBean(CanaryRegistry.class).find("checkout-v2").orElseThrow();
      assertThat(checkout.pay("ada", 250)).isEqualTo("old ada 250");
      canary.promote("ops", "all in", true);
      assertThat(checkout.pay("ada", 250)).isEqualTo("new ada 250");
    });
  }

  @Test
  void withoutAKeyExpressionRoutesByThePrincipalAndWithoutOneServesTheBaseline() {
    runner.withBean(Checkout.class).withBean("newCheckout", NewCheckout.class).run(context -> {
      Checkout checkout = context.getBean(Checkout.class);
      context.getBean(CanaryRegistry.class).find("checkout-v2").orElseThrow().promote("ops", "all in", true);
      try {
        assertThat(checkout.whoami()).isEqualTo("old");
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("ada", "pw", "ROLE_USER"));
        assertThat(checkout.whoami()).isEqualTo("new");
      } finally {
        SecurityContextHolder.clearContext();
      }
    });
  }

  @Test
  void theBaselinesExceptionReachesTheCallerUnchanged() {
    runner.withBean(Checkout.class).withBean("newCheckout", NewCheckout.class).run(context -> {
      Checkout checkout = context.getBean(Checkout.class);
      assertThatThrownBy(() -> checkout.fail("ada")).isInstanceOf(IllegalStateException.class)
          .hasMessage("baseline failed for ada");
    });
  }

  @Test
  void anUnknownCanaryFailsStartupNamingTheBeanAndTheMethod() {
    runner.withBean("unknownCanary", UnknownCanary.class).withBean("newCheckout", NewCheckout.class)
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining("Bean 'unknownCanary'")
            .rootCause().hasMessageContaining("pay(String, int)")
            .hasMessageContaining("no canary named 'nope'"));
  }

  @Test
  void aCandidateWithoutTheMethodFailsStartupNamingTheBeanAndTheMethod() {
    runner.withBean("noSuchMethod", NoSuchMethod.class).withBean("newCheckout", NewCheckout.class)
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining("Bean 'noSuchMethod'")
            .rootCause().hasMessageContaining("refund(String)")
            .hasMessageContaining("the candidate bean 'newCheckout'"));
  }
}
