package dev.progressive.spring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Plans from properties and beans, auto-start, and the startup failures that name the property at fault. */
class ReleaseAutoConfigurationTest {

  private static final String P = "progressive.releases.pricing-v2.";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProgressiveTogglesAutoConfiguration.class,
          ProgressiveCanaryAutoConfiguration.class, ProgressiveParallelRunAutoConfiguration.class,
          ProgressiveReleaseAutoConfiguration.class))
      .withUserConfiguration(RunnerWithExperiment.class)
      .withPropertyValues("progressive.toggles.open-feature.enabled=false",
          "progressive.canary.canaries.pricing.steps[0].weight=50",
          "progressive.canary.canaries.pricing.analysis-interval=30s");

  private static final String[] FULL_PLAN = {
      P + "canary=pricing",
      P + "stages[0].kind=dark", P + "stages[0].min-successful-calls=2",
      P + "stages[0].fail-above-error-rate=0.05", P + "stages[0].min-calls-to-judge=40",
      P + "stages[1].kind=verify", P + "stages[1].experiment=pricing", P + "stages[1].min-comparisons=10",
      P + "stages[1].min-match-rate=0.95", P + "stages[1].window=5m", P + "stages[1].fail-above-mismatch-rate=0.2",
      P + "stages[1].noise=timeout",
      P + "stages[2].kind=canary",
      P + "stages[3].kind=approval", P + "stages[3].name=change-board",
      P + "stages[4].kind=retire", P + "stages[4].quiet-period=1h", P + "stages[4].remove-flags=true"};

  /** A runner that knows the experiment {@code pricing} from the start, as a verify stage needs. */
  @Configuration(proxyBeanMethods = false)
  static class RunnerWithExperiment {
    @Bean(destroyMethod = "close")
    ParallelRunner parallelRunner() {
      ParallelRunner runner = ParallelRunner.builder().name("test").build();
      Experiment.<Integer, Integer, Integer>builder("pricing", runner).mode(Mode.SEQUENTIAL)
          .control(x -> x).candidate("v2", x -> x).build();
      return runner;
    }
  }

  @Test
  void buildsThePlanOfEachEntryWithItsStagesInOrderAndLeavesItPending() {
    runner.withPropertyValues(FULL_PLAN).run(context -> {
      assertThat(context).hasNotFailed();
      ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("pricing-v2").orElseThrow();
      assertThat(plan.canary()).isSameAs(context.getBean(CanaryRegistry.class).find("pricing").orElseThrow());
      List<Stage> stages = plan.stages();
      assertThat(stages).extracting(Stage::kind).containsExactly(StageKind.DARK, StageKind.VERIFY, StageKind.CANARY,
          StageKind.APPROVAL, StageKind.RETIRE);
      assertThat(stages).extracting(Stage::name).containsExactly("dark", "verify", "canary", "change-board",
          "retire");
      assertThat(stages.get(0).minSuccessfulCalls()).isEqualTo(2);
      assertThat(stages.get(1).experiment()).isEqualTo("pricing");
      assertThat(stages.get(1).minComparisons()).isEqualTo(10);
      assertThat(stages.get(1).minMatchRate()).isEqualTo(0.95);
      assertThat(stages.get(1).window()).isEqualTo(Duration.ofMinutes(5));
      assertThat(stages.get(1).failAboveMismatchRate()).isEqualTo(0.2);
      assertThat(stages.get(0).failAboveErrorRate()).isEqualTo(0.05);
      assertThat(stages.get(0).minCallsToJudge()).isEqualTo(40);
      assertThat(stages.get(1).noise()).containsExactly(ComparisonOutcome.TIMEOUT);
      assertThat(stages.get(4).quietPeriod()).isEqualTo(Duration.ofHours(1));
      assertThat(stages.get(4).removeFlags()).isTrue();
      assertThat(plan.status().state()).isEqualTo(ReleaseState.PENDING);
      assertThat(context.getBean(Toggles.class).admin().flag("release.pricing-v2")).isPresent();
    });
  }

  @Test
  void aPlanMarkedAutoStartStartsByItselfAtItsFirstStageAndTheCanaryWaitsForItsStage() {
    runner.withPropertyValues(FULL_PLAN).withPropertyValues(P + "auto-start=true").run(context -> {
      assertThat(context).hasNotFailed();
      ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("pricing-v2").orElseThrow();
      assertThat(plan.status().state()).isEqualTo(ReleaseState.RUNNING);
      assertThat(plan.status().stage()).isEqualTo("dark");
      assertThat(plan.history(java.time.Instant.EPOCH, java.time.Instant.MAX, 10))
          .anySatisfy(e -> assertThat(e.actor()).isEqualTo(ReleaseAutoStarter.ACTOR));
      assertThat(plan.canary().state()).isEqualTo(CanaryState.PENDING);
    });
  }

  @Test
  void thePlansMetersGoToTheApplicationsRegistry() {
    runner.withPropertyValues(FULL_PLAN).withPropertyValues(P + "auto-start=true")
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .run(context -> {
          assertThat(context).hasNotFailed();
          io.micrometer.core.instrument.MeterRegistry registry =
              context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
          assertThat(registry.get("progressive.release.stage").tags("release", "pricing-v2", "stage", "dark")
              .gauge().value()).isEqualTo(1.0);
          assertThat(registry.get("progressive.release.stage").tags("release", "pricing-v2", "stage", "verify")
              .gauge().value()).isZero();
          assertThat(registry.get("progressive.release.transitions").tags("release", "pricing-v2", "action", "start")
              .counter().count()).isEqualTo(1.0);
        });
  }

  @Test
  void aBlueGreenPlanFromProperties() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=preview", P + "stages[1].kind=switch",
        P + "stages[1].keep-old=10m", P + "stages[2].kind=retire").run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("pricing-v2").orElseThrow();
          assertThat(plan.stages()).extracting(Stage::kind).containsExactly(StageKind.PREVIEW, StageKind.SWITCH,
              StageKind.RETIRE);
          assertThat(plan.stages().get(1).keepOld()).isEqualTo(Duration.ofMinutes(10));
          assertThat(plan.stages().get(0).manualGate()).isTrue();
          assertThat(plan.stages().get(2).removeFlags()).as("the flag stays unless remove-flags").isFalse();
        });
  }

  @Test
  void releasePlanBeansJoinTheRegistryBesideTheConfiguredOnes() {
    runner.withPropertyValues(FULL_PLAN).withUserConfiguration(PlanBean.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ReleaseRegistry.class).all()).containsOnlyKeys("pricing-v2", "from-a-bean");
      assertThat(context.getBean(ReleaseRegistry.class).find("from-a-bean"))
          .containsSame(context.getBean("fromABean", ReleasePlan.class));
    });
  }

  @Test
  void twoPlansOfOneNameFailStartup() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary")
        .withPropertyValues("progressive.releases.from-a-bean.canary=pricing",
            "progressive.releases.from-a-bean.stages[0].kind=switch")
        .withUserConfiguration(PlanBean.class).run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains("two release plans are named 'from-a-bean'")
              .contains("progressive.releases.from-a-bean");
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class PlanBean {
    @Bean
    ReleasePlan fromABean(Toggles toggles, CanaryRegistry canaries) {
      return ReleasePlan.builder("from-a-bean", toggles, canaries.find("pricing").orElseThrow())
          .stage(Stage.dark()).stage(Stage.canary()).build();
    }
  }

  @Test
  void anUnknownCanaryFailsStartupNamingThePropertyAndTheKnownOnes() {
    runner.withPropertyValues(P + "canary=nope", P + "stages[0].kind=canary").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context)).contains(P + "canary names canary 'nope', which the application does not have")
          .contains("[pricing]");
    });
  }

  @Test
  void aMissingCanaryFailsStartupNamingTheProperty() {
    runner.withPropertyValues(P + "stages[0].kind=canary").run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context)).contains(P + "canary is required");
    });
  }

  @Test
  void anUnknownExperimentFailsStartupNamingTheStagesProperty() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=verify", P + "stages[0].experiment=nope",
        P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[0].experiment names experiment 'nope', which the "
              + "application does not declare; the known experiments (built on the parallel runner, named by "
              + "@ParallelRun methods or in progressive.parallel-run.experiments) are [pricing]");
        });
  }

  @Test
  void aVerifyStageWithoutAnExperimentFailsStartup() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=verify", P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].experiment is required"));
  }

  @Test
  void aGateThatCannotBeMetFailsStartupNamingTheSetting() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=verify", P + "stages[0].experiment=pricing",
        P + "stages[0].min-match-rate=1.5", P + "stages[1].kind=canary").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[0].min-match-rate: minMatchRate must be in (0, 1], "
              + "was 1.5");
        });
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=verify", P + "stages[0].experiment=pricing",
        P + "stages[0].noise=match", P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].noise: MATCH cannot be noise"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary",
        "progressive.canary.canaries.pricing.dry-run=true").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[0]: release plan 'pricing-v2': stage 1 'canary' "
              + "(canary) can never pass: canary 'pricing' is in dry-run");
        });
  }

  @Test
  void aSettingThatDoesNotFitItsStageFailsStartupNamingIt() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[0].keep-old=5m",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].keep-old: keepOld does not apply to a "
            + "dark stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "stages[0].experiment=pricing")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].experiment: experiment does not "
            + "apply to a canary stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary",
        P + "stages[0].fail-above-error-rate=0.1")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].fail-above-error-rate: "
            + "failAboveErrorRate does not apply to a canary stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[0].fail-above-error-rate=1.5",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].fail-above-error-rate: "
            + "failAboveErrorRate must be in [0, 1], was 1.5"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[0].min-calls-to-judge=0",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].min-calls-to-judge: "));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[0].remove-flags=true",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].remove-flags: removeFlags does not "
            + "apply to a dark stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "stages[0].remove-flags=false")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].remove-flags: removeFlags does not "
            + "apply to a canary stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].name=first", P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].kind is required"));
  }

  @Test
  void aStageOrderThatMakesNoSenseFailsStartupNamingTheStages() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "stages[1].kind=dark")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[1]: release plan 'pricing-v2': stage 2 'dark' (dark) "
              + "comes after stage 'canary', which sends everyone to the new implementation: it must come before");
        });
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=canary",
        P + "stages[2].kind=approval", P + "stages[3].kind=verify", P + "stages[3].experiment=pricing")
        .run(context -> assertThat(messages(context)).contains(P + "stages[3]: release plan 'pricing-v2': stage 4 "
            + "'verify' (verify) comes after stage 'canary'"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "stages[1].kind=canary",
        P + "stages[1].name=again")
        .run(context -> assertThat(messages(context)).contains(P + "stages[1]: release plan 'pricing-v2': stage 2 "
            + "'again' (canary) promotes a second time, after stage 'canary': a plan has one canary or switch stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "stages[1].kind=switch")
        .run(context -> assertThat(messages(context)).contains(P + "stages[1]: release plan 'pricing-v2': stage 2 "
            + "'switch' (switch) promotes a second time"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=retire",
        P + "stages[2].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[1]: release plan 'pricing-v2': stage 2 "
            + "'retire' (retire) must be the last stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=retire")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0]: release plan 'pricing-v2': stage 1 "
            + "'retire' (retire) comes before any canary or switch stage: there is no old implementation to retire"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=dark",
        P + "stages[2].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[1]: release plan 'pricing-v2': stage 2 "
            + "'dark' (dark) has the name of an earlier stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[0].name=completed",
        P + "stages[1].kind=canary")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0]: release plan 'pricing-v2': stage 1 "
            + "'completed' (dark) has a reserved name"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=approval")
        .run(context -> assertThat(messages(context)).contains(P + "stages: release plan 'pricing-v2': has no "
            + "canary or switch stage"));
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=canary", P + "interval=0s")
        .run(context -> assertThat(messages(context)).contains(P + "interval: interval must be positive"));
    runner.withPropertyValues(P + "canary=pricing")
        .run(context -> assertThat(messages(context)).contains(P + "stages is empty"));
  }

  @Test
  void aPlanWhoseCanaryStartsByItselfFailsStartup() {
    runner.withPropertyValues(P + "canary=pricing", P + "stages[0].kind=dark", P + "stages[1].kind=canary",
        "progressive.canary.canaries.pricing.auto-start=true").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "canary names canary 'pricing', which starts by itself");
        });
  }

  @Test
  void backsOffWithoutTheReleaseModule() {
    runner.withPropertyValues(FULL_PLAN).withClassLoader(new FilteredClassLoader(ReleasePlan.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(ReleaseRegistry.class);
          assertThat(context).hasSingleBean(Canary.class);
        });
  }

  @Test
  void aRegistryOfTheApplicationWins() {
    runner.withBean(ReleaseRegistry.class, () -> new ReleaseRegistry(List.of(), List.of()))
        .withPropertyValues(FULL_PLAN).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ReleaseRegistry.class).all()).isEmpty();
        });
  }

  /** Every message in the startup failure's chain of causes. */
  static String messages(ApplicationContextAssertProvider<?> context) {
    assertThat(context).hasFailed();
    List<String> out = new ArrayList<>();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      out.add(t.getMessage());
    }
    return String.join("\n", out);
  }
}
