package dev.progressive.spring.release;

import static dev.progressive.spring.release.ReleaseAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.ReleasePlan;
import dev.progressive.spring.annotation.ParallelRun;
import dev.progressive.spring.annotation.ProgressiveAnnotationsAutoConfiguration;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * A verify stage of a property plan on a {@code @ParallelRun} experiment, which the aspect builds only at the
 * method's first call: the names of the beans' {@code @ParallelRun} methods and of
 * {@code progressive.parallel-run.experiments} are known at startup; any other name fails startup, listing them.
 */
class ReleaseVerifyParallelRunTest {

  private static final String P = "progressive.releases.pricing-v2.";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProgressiveTogglesAutoConfiguration.class,
          ProgressiveCanaryAutoConfiguration.class, ProgressiveParallelRunAutoConfiguration.class,
          AopAutoConfiguration.class, ProgressiveAnnotationsAutoConfiguration.class,
          ProgressiveReleaseAutoConfiguration.class))
      .withBean(Pricing.class).withBean("newPricing", NewPricing.class)
      // generous: the candidate's timeout is not what these tests check
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.timeout=60s",
          "progressive.canary.canaries.pricing.steps[0].weight=50");

  public static class Pricing {
    @ParallelRun(name = "pricing-annotated", candidate = "newPricing")
    public Map<String, Object> price(int orderId) {
      return Map.of("order", orderId, "total", 10);
    }
  }

  public static class NewPricing {
    public Map<String, Object> price(int orderId) {
      return Map.of("order", orderId, "total", 10);
    }
  }

  private static double comparisons(ApplicationContext context) {
    return context.getBean(ParallelRunner.class).meterRegistry().find("progressive.parallelrun.comparisons")
        .tag("experiment", "pricing-annotated").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aVerifyStageOnAParallelRunExperimentIsAcceptedBeforeItsFirstCallAndCountsItsComparisons() {
    runner.withPropertyValues(P + "canary=pricing", P + "auto-start=true", P + "interval=100ms",
        P + "stages[0].kind=verify", P + "stages[0].experiment=pricing-annotated", P + "stages[0].min-comparisons=3",
        P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ParallelRunner.class).experiment("pricing-annotated"))
              .as("the aspect builds it at the first call, after startup").isEmpty();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("pricing-v2").orElseThrow();
          assertThat(plan.status().stage()).isEqualTo("verify");

          Pricing pricing = context.getBean(Pricing.class);
          for (int order = 1; order <= 3; order++) {
            pricing.price(order);
            // one candidate at a time, so that the runner's bulkhead rejects none
            int made = order;
            await().atMost(Duration.ofSeconds(60)).until(() -> comparisons(context) == made);
          }

          await().atMost(Duration.ofSeconds(60)).until(() -> "canary".equals(plan.status().stage()));
          assertThat(plan.status().evidence()).contains("experiment 'pricing-annotated': 3 comparisons (3 matches");
        });
  }

  @Test
  void anExperimentNamedInParallelRunPropertiesIsKnown() {
    runner.withPropertyValues("progressive.parallel-run.experiments.declared-elsewhere.sample-rate=0.5",
        P + "canary=pricing", P + "stages[0].kind=verify", P + "stages[0].experiment=declared-elsewhere",
        P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ReleaseRegistry.class).find("pricing-v2").orElseThrow().stages().get(0)
              .experiment()).isEqualTo("declared-elsewhere");
        });
  }

  @Test
  void anyOtherNameFailsStartupWithThePropertyAndTheKnownNames() {
    runner.withPropertyValues("progressive.parallel-run.experiments.declared-elsewhere.sample-rate=0.5",
        P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=verify", P + "stages[1].experiment=nope",
        P + "stages[2].kind=canary").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[1].experiment names experiment 'nope', which the "
              + "application does not declare; the known experiments (built on the parallel runner, named by "
              + "@ParallelRun methods or in progressive.parallel-run.experiments) are "
              + "[declared-elsewhere, pricing-annotated]");
        });
  }

  @Test
  void withoutTheAspectAParallelRunMethodBuildsNoExperimentSoItsNameIsUnknown() {
    runner.withClassLoader(new FilteredClassLoader("org.aspectj.weaver"))
        .withPropertyValues(P + "canary=pricing", P + "stages[0].kind=verify",
            P + "stages[0].experiment=pricing-annotated", P + "stages[1].kind=canary").run(context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context)).contains(P + "stages[0].experiment names experiment 'pricing-annotated', "
                  + "which the application does not declare").contains("are []");
            });
  }
}
