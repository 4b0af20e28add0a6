package dev.progressive.spring.annotation;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.progressive.parallelrun.Mismatch;
import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

class ParallelRunAspectTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features(AopAutoConfiguration.class,
          ProgressiveAnnotationsAutoConfiguration.class))
      // Generous: the candidate's timeout is not what these tests check.
      .withPropertyValues("progressive.toggles.enabled=false", "progressive.parallel-run.timeout=60s");

  public static class Pricing {
    @ParallelRun(name = "pricing", candidate = "newPricing")
    public Map<String, Object> price(int orderId) {
      if (orderId < 0) {
        throw new IllegalStateException("no such order " + orderId);
      }
      return Map.of("order", orderId, "total", 10);
    }
  }

  public static class NewPricing {
    final AtomicInteger calls = new AtomicInteger();

    public Map<String, Object> price(int orderId) {
      calls.incrementAndGet();
      return Map.of("order", orderId, "total", orderId == 2 ? 11 : 10);
    }
  }

  private static double count(ApplicationContext context, String outcome) {
    Counter counter = context.getBean(ParallelRunner.class).meterRegistry().find("progressive.parallelrun.comparisons")
        .tag("experiment", "pricing").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void runsTheCandidateBeanBesideTheMethodAndKeepsTheMismatches() {
    runner.withBean(Pricing.class).withBean("newPricing", NewPricing.class).run(context -> {
      Pricing pricing = context.getBean(Pricing.class);
      assertThat(pricing.price(1)).containsEntry("total", 10);
      assertThat(pricing.price(2)).as("always the control's answer").containsEntry("total", 10);
      await().atMost(WAIT).until(() -> count(context, "match") == 1 && count(context, "mismatch") == 1);
      List<Mismatch> mismatches = context.getBean(ParallelRunner.class).experiment("pricing").orElseThrow()
          .recentMismatches();
      assertThat(mismatches).singleElement().satisfies(m -> {
        assertThat(m.candidateName()).isEqualTo("newPricing");
        assertThat(m.differences()).singleElement().asString().startsWith("total: 10");
      });
    });
  }

  @Test
  void theControlsExceptionReachesTheCallerUnchanged() {
    runner.withBean(Pricing.class).withBean("newPricing", NewPricing.class).run(context -> {
      Pricing pricing = context.getBean(Pricing.class);
      assertThatThrownBy(() -> pricing.price(-1)).isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("no such order -1");
      await().atMost(WAIT).until(() -> count(context, "mismatch") == 1);
    });
  }

  @Test
  void anExperimentSwitchedOffByPropertyRunsOnlyTheMethod() {
    runner.withBean(Pricing.class).withBean("newPricing", NewPricing.class)
        .withPropertyValues("progressive.parallel-run.experiments.pricing.enabled=false")
        .run(context -> {
          assertThat(context.getBean(Pricing.class).price(2)).containsEntry("total", 10);
          assertThat(context.getBean(NewPricing.class).calls).hasValue(0);
        });
  }

  @Test
  void ignoredPathsFromPropertiesTurnAMismatchIntoAMatch() {
    runner.withBean(Pricing.class).withBean("newPricing", NewPricing.class)
        .withPropertyValues("progressive.parallel-run.experiments.pricing.ignore-paths=total")
        .run(context -> {
          context.getBean(Pricing.class).price(2);
          await().atMost(WAIT).until(() -> count(context, "match") == 1);
          assertThat(count(context, "mismatch")).isZero();
        });
  }

  public static class Other {
    @ParallelRun(name = "pricing", candidate = "newPricing")
    public Map<String, Object> price(int orderId) {
      return Map.of();
    }
  }

  public static class NoSuchMethod {
    public Map<String, Object> price(long orderId) {
      return Map.of();
    }
  }

  @Test
  void aMisconfigurationFailsAtStartupNamingTheBeanAndTheMethod() {
    runner.withBean("pricing", Pricing.class).run(context -> assertThat(context).getFailure()
        .hasMessageContaining("Bean 'pricing'")
        .hasMessageContaining(Pricing.class.getName() + ".price(int)")
        .hasMessageContaining("no candidate bean named 'newPricing'"));
    runner.withBean("pricing", Pricing.class).withBean("newPricing", NoSuchMethod.class).run(context ->
        assertThat(context).getFailure().hasMessageContaining("Bean 'pricing'")
            .hasMessageContaining("the candidate bean 'newPricing' (" + NoSuchMethod.class.getName()
                + ") has no public method price(int)"));
    runner.withBean("pricing", Pricing.class).withBean("other", Other.class)
        .withBean("newPricing", NewPricing.class).run(context ->
            assertThat(context).getFailure().hasMessageContaining("uses the name 'pricing'"));
  }
}
