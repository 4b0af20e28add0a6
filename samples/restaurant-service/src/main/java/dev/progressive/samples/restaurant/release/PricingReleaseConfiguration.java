package dev.progressive.samples.restaurant.release;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.FleetStore;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.Stage;
import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.pricing.ClassicPricingEngine;
import dev.progressive.samples.restaurant.pricing.PriceRequest;
import dev.progressive.samples.restaurant.pricing.RulesPricingEngine;
import dev.progressive.samples.restaurant.pricing.Subtotal;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The release plan {@value #PLAN} of the rules pricing engine, the demo's plan (off with
 * {@code restaurant.release.enabled=false}, the {@code canary} profile): dark (testers' successful calls; too many
 * failed ones on the fleet roll it back) → verify (the parallel run {@value #EXPERIMENT}) → canary (the steps of the canary
 * {@code pricing-engine}, which must not start by itself) → approval. With a shared store (the {@code postgres}
 * profile) the plan uses the starter's {@link FleetStore}, so one instance drives it for the fleet.
 *
 * <p>The plan is a bean, not {@code progressive.releases.*} properties, because its verify stage needs the
 * experiment to exist when the plan is built: it is built here, on the runner, before the plan.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "restaurant.release.enabled", havingValue = "true", matchIfMissing = true)
public class PricingReleaseConfiguration {

  /** The plan's name. */
  public static final String PLAN = "pricing-v2";

  /** The parallel run of the verify stage: the classic engine answers, the rules engine is compared. */
  public static final String EXPERIMENT = "pricing";

  /** The canary the plan drives. */
  public static final String CANARY = "pricing-engine";

  /** The index of the canary stage in the plan. */
  static final int CANARY_STAGE = 2;

  /** The plan's driver thread; not a default candidate, so that Boot's own scheduler does not back off. */
  @Bean(destroyMethod = "shutdownNow", defaultCandidate = false)
  ScheduledExecutorService pricingReleaseExecutor() {
    return Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "pricing-release");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The parallel run {@value #EXPERIMENT}: equal when the lines and the subtotal are equal (not the engine's name). */
  @Bean
  Experiment<PriceRequest, Subtotal, Subtotal> pricingExperiment(ParallelRunner runner,
      ClassicPricingEngine classic, RulesPricingEngine rules) {
    return Experiment.<PriceRequest, Subtotal, Subtotal>builder(EXPERIMENT, runner)
        .control(classic::priceClassic)
        .candidate("rules", rules::price)
        .comparator((control, candidate) -> control != null && candidate != null
            && Objects.equals(control.lines(), candidate.lines())
            && control.subtotal().compareTo(candidate.subtotal()) == 0)
        .keepMismatches(50)
        .build();
  }

  /** The plan, built after the experiment it verifies with. */
  @Bean(destroyMethod = "close")
  ReleasePlan pricingReleasePlan(RestaurantProperties properties, Toggles toggles, CanaryRegistry canaries,
      ParallelRunner runner, Experiment<PriceRequest, Subtotal, Subtotal> pricingExperiment,
      ObjectProvider<MeterRegistry> meters, ObjectProvider<FleetStore> fleet,
      @Value("${progressive.canary.fleet.instance-id:}") String instanceId,
      @Qualifier("pricingReleaseExecutor") ScheduledExecutorService pricingReleaseExecutor) {
    RestaurantProperties.Release settings = properties.getRelease();
    Canary canary = canaries.find(CANARY).orElseThrow(() -> new IllegalStateException(
        "restaurant.release.enabled: the plan " + PLAN + " needs the canary " + CANARY
            + " (progressive.canary.canaries." + CANARY + ")"));
    Stage.Builder dark = Stage.dark();
    named("restaurant.release.tester-calls", () -> dark.minSuccessfulCalls(settings.getTesterCalls())
        // the testers' failed calls are judged once as many calls as the gate needs were made on the fleet
        .minCallsToJudge(Math.max(1, settings.getTesterCalls())));
    named("restaurant.release.tester-fail-above-error-rate",
        () -> dark.failAboveErrorRate(settings.getTesterFailAboveErrorRate()));
    Stage.Builder verify = Stage.verify(runner, pricingExperiment.name())
        // A candidate that timed out says something about load, not about prices. (One the runner was too full to
        // run, REJECTED, is never counted: it was not compared.)
        .noise(ComparisonOutcome.TIMEOUT);
    named("restaurant.release.min-comparisons", () -> verify.minComparisons(settings.getMinComparisons()));
    named("restaurant.release.min-match-rate", () -> verify.minMatchRate(settings.getMinMatchRate()));
    named("restaurant.release.fail-above-mismatch-rate",
        () -> verify.failAboveMismatchRate(settings.getFailAboveMismatchRate()));
    ReleasePlan.Builder plan = ReleasePlan.builder(PLAN, toggles, canary)
        .stage(dark).stage(verify).stage(Stage.canary()).stage(Stage.approval())
        .scheduler(CanaryScheduler.of(pricingReleaseExecutor));
    named("restaurant.release.interval", () -> plan.interval(settings.getInterval()));
    meters.ifUnique(plan::meterRegistry);
    fleet.ifUnique(plan::fleet);
    if (!instanceId.isBlank()) {
      plan.instanceId(instanceId.strip());
    }
    return plan.build();
  }

  /** Applies one setting; a value the plan refuses fails startup naming the property. */
  private static void named(String property, Runnable apply) {
    built(property, () -> {
      apply.run();
      return null;
    });
  }

  /** Builds one thing from a setting; a value it refuses fails startup naming the property. */
  private static <T> T built(String property, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }

  /** Quotes priced through the plan. */
  @Bean
  PricingRelease pricingRelease(RestaurantProperties properties, ReleasePlan pricingReleasePlan,
      Experiment<PriceRequest, Subtotal, Subtotal> pricingExperiment, ClassicPricingEngine classic,
      RulesPricingEngine rules) {
    return new PricingRelease(pricingReleasePlan, pricingExperiment, classic, rules, CANARY_STAGE);
  }
}
