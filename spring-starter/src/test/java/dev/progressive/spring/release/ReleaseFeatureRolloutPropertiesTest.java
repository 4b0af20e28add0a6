package dev.progressive.spring.release;

import static dev.progressive.spring.release.ReleaseAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Metric;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import dev.progressive.spring.annotation.FeatureToggle;
import dev.progressive.spring.annotation.ProgressiveAnnotationsAutoConfiguration;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Guarded feature rollouts declared in {@code progressive.releases.*}: the plan built over the flag with the
 * canary-style metrics, its calls recorded by {@code @FeatureToggle(recordVariants = true)}, and the startup failures
 * that name the property at fault.
 */
class ReleaseFeatureRolloutPropertiesTest {

  private static final String P = "progressive.releases.checkout-ui-rollout.";

  static final String FLAGS = """
      {"flags": {
        "checkout-ui": {"state": "ENABLED", "variants": {"new": "new", "old": "old"}, "defaultVariant": "old"},
        "new-greeting": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}
      }}""";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProgressiveTogglesAutoConfiguration.class,
          ProgressiveCanaryAutoConfiguration.class, ProgressiveParallelRunAutoConfiguration.class,
          ProgressiveReleaseAutoConfiguration.class))
      .withBean("testFlags", FlagSource.class, () -> InMemorySource.named("test.json", FLAGS))
      .withPropertyValues("progressive.toggles.open-feature.enabled=false");

  private static final String[] ROLLOUT = {
      P + "stages[0].kind=feature-rollout", P + "stages[0].flag=checkout-ui", P + "stages[0].new-variant=new",
      P + "stages[0].old-variant=old"};

  @Test
  void aRolloutPlanNeedsNoCanaryAndTakesItsStepsAndTheJudgesMetricsAsACanaryDeclaresThem() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=10,50,100",
        P + "stages[0].metrics[0].kind=error-rate", P + "stages[0].metrics[0].allowed-change=0.2",
        P + "stages[0].metrics[1].kind=latency-quantile", P + "stages[0].metrics[1].quantile=0.95",
        P + "stages[0].metrics[1].critical=false",
        P + "stages[0].min-requests-per-variant=2000", P + "stages[0].min-duration=5m",
        P + "stages[0].max-inconclusive=20m", P + "stages[0].alpha=0.01",
        P + "stages[1].kind=approval").run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("checkout-ui-rollout").orElseThrow();
          assertThat(plan.canary()).isNull();
          assertThat(plan.stages()).extracting(Stage::name).containsExactly("rollout-10", "rollout-50", "rollout-100",
              "approval");
          assertThat(plan.stages()).extracting(Stage::kind).containsExactly(StageKind.FEATURE_ROLLOUT,
              StageKind.FEATURE_ROLLOUT, StageKind.FEATURE_ROLLOUT, StageKind.APPROVAL);
          Stage first = plan.stages().get(0);
          assertThat(first.flagKey()).isEqualTo("checkout-ui");
          assertThat(first.newVariant()).isEqualTo("new");
          assertThat(first.oldVariant()).isEqualTo("old");
          CanaryRelease analysis = first.analysis();
          assertThat(analysis.metrics()).containsExactly(Metric.errorRate().allowedChange(0.2),
              Metric.latencyQuantile(0.95).critical(false));
          assertThat(analysis.steps()).singleElement().satisfies(step -> {
            assertThat(step.percent()).isEqualTo(10.0);
            assertThat(step.minRequestsPerSide()).isEqualTo(2000);
            assertThat(step.minDuration()).isEqualTo(Duration.ofMinutes(5));
          });
          assertThat(analysis.maxInconclusive()).isEqualTo(Duration.ofMinutes(20));
          assertThat(analysis.alpha()).isEqualTo(0.01);
          assertThat(plan.stages().get(2).analysis()).as("a 100% step has nothing left to compare").isNull();
          assertThat(plan.status().state()).isEqualTo(ReleaseState.PENDING);
          assertThat(context.getBean(Toggles.class).variantRecording().isRecorded("checkout-ui"))
              .as("the plan records the flag's variants from its build").isTrue();
        });
  }

  @Test
  void withoutStepsTheLibrarysDefaultStepsAreStagesOfTheirOwn() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].name=ui", P + "auto-start=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("checkout-ui-rollout").orElseThrow();
          assertThat(plan.stages()).extracting(Stage::name).containsExactly("ui-1", "ui-5", "ui-25", "ui-100");
          assertThat(plan.status().state()).isEqualTo(ReleaseState.RUNNING);
          assertThat(plan.status().stage()).isEqualTo("ui-1");
          Toggles toggles = context.getBean(Toggles.class);
          long onNew = java.util.stream.IntStream.range(0, 2_000).filter(i -> "new".equals(toggles.stringValue(
              "checkout-ui", EvaluationContext.builder().targetingKey("user-" + i).build(), "old"))).count();
          assertThat(onNew).as("the first step's entry wrote the flag's weights: about 1% on the new variant")
              .isBetween(5L, 50L);
        });
  }

  @Test
  void anUnknownFlagOrVariantFailsStartupNamingThePropertyAndWhatIsKnown() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].flag=nope").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].flag names flag 'nope', which the toggles do not "
            + "define; they define [checkout-ui, new-greeting]"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].new-variant=newer").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].new-variant names variant 'newer', which flag "
            + "'checkout-ui' does not have; it has [new, old]"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].old-variant=older").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].old-variant names variant 'older'"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].old-variant=new").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].new-variant: a feature rollout of flag 'checkout-ui' "
            + "needs two different variants; both are 'new'"));
    runner.withPropertyValues(P + "stages[0].kind=feature-rollout", P + "stages[0].new-variant=new",
        P + "stages[0].old-variant=old").run(context ->
            assertThat(messages(context)).contains(P + "stages[0].flag is required for a feature-rollout stage"));
  }

  @Test
  void stepsThatDoNotIncreaseOrLeave1To100FailStartupNamingTheSteps() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=5,5,100").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].steps: rollout steps must increase: 5% after 5%"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=0,100").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].steps: a rollout step is a percent in 1 to 100, was 0"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=10,120").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].steps: a rollout step is a percent in 1 to 100, "
            + "was 120"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=10,50").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].steps: a feature rollout's last step must be 100"));
    // a second rollout stage after the first one reached 100%: the library's message names stage 4, the property
    // is the third entry, since the first entry is two stages
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].steps=10,100", P + "stages[1].kind=approval",
        P + "stages[2].kind=feature-rollout", P + "stages[2].flag=checkout-ui", P + "stages[2].new-variant=new",
        P + "stages[2].old-variant=old", P + "stages[2].steps=50,100", P + "stages[2].name=again").run(context ->
            assertThat(messages(context)).contains(P + "stages[2]: release plan 'checkout-ui-rollout': stage 4 "
                + "'again-50' (rollout) is at 50%, not above stage 'rollout-100' at 100%: a rollout's steps "
                + "increase"));
  }

  @Test
  void aGateThatCannotBeMetFailsStartupNamingTheSetting() {
    // the p99 cannot be judged on 10 calls per variant at the default alpha: the canary's own check
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].metrics[0].kind=latency-quantile",
        P + "stages[0].metrics[0].quantile=0.99", P + "stages[0].min-requests-per-variant=10").run(context -> {
          assertThat(context).hasFailed();
          assertThat(messages(context)).contains(P + "stages[0].min-requests-per-variant: feature rollout of flag "
              + "'checkout-ui', step 1%: ").contains("asks for 10 requests per side")
              .contains("raise minRequestsPerVariant to at least");
        });
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].alpha=0.7").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].alpha: alpha must be in (0, 0.5), was 0.7"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].metrics[0].kind=latency-quantile")
        .run(context -> assertThat(messages(context)).contains(P + "stages[0].metrics[0].quantile must be in (0, 1) "
            + "for a latency-quantile metric"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[0].min-requests-per-variant=0").run(context ->
        assertThat(messages(context)).contains(P + "stages[0].min-requests-per-variant: minRequestsPerVariant must "
            + "be at least 1"));
  }

  @Test
  void aRolloutMixedWithCanaryStagesOrSettingsFailsStartupNamingTheStage() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "stages[1].kind=dark").run(context ->
        assertThat(messages(context)).contains(P + "stages[1]: release plan 'checkout-ui-rollout': stage 5 'dark' "
            + "(dark) needs a canary"));
    runner.withPropertyValues(ROLLOUT).withPropertyValues(P + "canary=pricing",
        "progressive.canary.canaries.pricing.steps[0].weight=50").run(context ->
            assertThat(messages(context)).contains(P + "stages[0]: release plan 'checkout-ui-rollout': stage 1 "
                + "'rollout-1' (rollout) rolls out a flag in a plan that drives canary 'pricing'"));
    runner.withPropertyValues(P + "canary=pricing", "progressive.canary.canaries.pricing.steps[0].weight=50",
        P + "stages[0].kind=dark", P + "stages[0].steps=10,100", P + "stages[1].kind=canary").run(context ->
            assertThat(messages(context)).contains(P + "stages[0].steps: steps does not apply to a dark stage"));
    runner.withPropertyValues(P + "canary=pricing", "progressive.canary.canaries.pricing.steps[0].weight=50",
        P + "stages[0].kind=canary", P + "stages[0].flag=checkout-ui").run(context ->
            assertThat(messages(context)).contains(P + "stages[0].flag: flag does not apply to a canary stage"));
    runner.withPropertyValues(P + "canary=pricing", "progressive.canary.canaries.pricing.steps[0].weight=50",
        P + "stages[0].kind=canary", P + "stages[0].metrics[0].kind=error-rate").run(context ->
            assertThat(messages(context)).contains(P + "stages[0].metrics[0]: metric does not apply to a canary "
                + "stage"));
    runner.withPropertyValues(P + "stages[0].kind=approval").run(context ->
        assertThat(messages(context)).contains(P + "canary is required"));
  }

  @Test
  void twoPlansRollingOutOneFlagFailStartup() {
    runner.withPropertyValues(ROLLOUT).withPropertyValues("progressive.releases.again.stages[0].kind=feature-rollout",
        "progressive.releases.again.stages[0].flag=checkout-ui", "progressive.releases.again.stages[0].new-variant=new",
        "progressive.releases.again.stages[0].old-variant=old").run(context ->
            assertThat(messages(context)).contains("progressive.releases.again.stages: release plan 'again': flag "
                + "'checkout-ui' has a variant recorder already"));
  }

  /** A method recorded per variant for the plan's judge. */
  public static class Greeter {
    @FeatureToggle(flag = "new-greeting", fallbackMethod = "oldGreeting", key = "#name", recordVariants = true)
    public String greet(String name) {
      return "hello " + name;
    }

    public String oldGreeting(String name) {
      return "good day " + name;
    }
  }

  /** The in-memory fleet store, which counts down the latch of the test at each publish of a rollout's window. */
  static final class SignallingFleet implements FleetStore {
    private final FleetStore delegate = FleetStore.inMemory();
    volatile CountDownLatch published = new CountDownLatch(0);

    @Override
    public void publish(WindowKey key, WindowRow row) throws Exception {
      delegate.publish(key, row);
      if (key.canary().endsWith(":variants")) {
        published.countDown();
      }
    }

    @Override
    public List<WindowRow> windows(WindowKey key) throws Exception {
      return delegate.windows(key);
    }

    @Override
    public void retainOnly(String canary, Optional<WindowKey> keep) throws Exception {
      delegate.retainOnly(canary, keep);
    }

    @Override
    public Optional<Lease> lease(String canary) throws Exception {
      return delegate.lease(canary);
    }

    @Override
    public boolean compareAndSetLease(String canary, long expectedVersion, String holder, long expiresAtMillis)
        throws Exception {
      return delegate.compareAndSetLease(canary, expectedVersion, holder, expiresAtMillis);
    }
  }

  @Test
  void featureToggleWithRecordVariantsFeedsThePropertyPlansJudgeThroughAutoConfiguration() throws Exception {
    String g = "progressive.releases.greeting.";
    runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class,
            ProgressiveAnnotationsAutoConfiguration.class))
        .withBean(Greeter.class).withBean(FleetStore.class, SignallingFleet::new)
        .withPropertyValues(g + "auto-start=true", g + "interval=100ms", g + "stages[0].kind=feature-rollout",
            g + "stages[0].flag=new-greeting", g + "stages[0].new-variant=on", g + "stages[0].old-variant=off",
            g + "stages[0].steps=50,100",
            // the error rate alone: both variants always succeed, so the judge neither fails nor passes the step
            // while the test runs (real latencies of a method and its fallback differ, and would fail it)
            g + "stages[0].metrics[0].kind=error-rate")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ReleasePlan plan = context.getBean(ReleaseRegistry.class).find("greeting").orElseThrow();
          assertThat(plan.status().stage()).isEqualTo("rollout-50");
          Greeter greeter = context.getBean(Greeter.class);
          int calls = 400;
          for (int i = 0; i < calls; i++) {
            greeter.greet("user-" + i);
          }
          SignallingFleet fleet = (SignallingFleet) context.getBean(FleetStore.class);
          // the second publish after the calls encoded its window after they were all recorded
          CountDownLatch twoMore = new CountDownLatch(2);
          fleet.published = twoMore;
          assertThat(twoMore.await(60, TimeUnit.SECONDS)).as("the plan's looks publish the step's window").isTrue();

          String evidence = plan.gate().evidence();
          Matcher m = Pattern.compile("'off' (\\d+) calls, 'on' (\\d+) calls").matcher(evidence);
          assertThat(m.find()).as(evidence).isTrue();
          long off = Long.parseLong(m.group(1));
          long on = Long.parseLong(m.group(2));
          assertThat(off + on).as("every call, the method's and the fallback's, under its variant").isEqualTo(calls);
          assertThat(on).as("about half of the users are on the new variant at the 50% step").isBetween(140L, 260L);
          assertThat(plan.status().stage()).isEqualTo("rollout-50");
        });
  }
}
