package dev.progressive.release;

import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.release.event.ReleaseTransition;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.FlagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * One instance of a service with a guarded feature rollout: its own toggles and plan on the shared stores; it serves
 * calls and records them per variant.
 */
final class RolloutInstance {

  static final String FLAG = "checkout-ui";
  static final String DEFINITION = """
      {"flags": {"checkout-ui": {"state": "ENABLED", "variants": {"new": "new", "old": "old"},
        "defaultVariant": "old"}}}""";

  final String id;
  final Toggles toggles;
  final ReleasePlan plan;
  final List<ReleaseTransition> transitions = new CopyOnWriteArrayList<>();
  /** One call in this many fails, per variant. */
  volatile int oldFailsEvery = 20;
  volatile int newFailsEvery = 20;
  private long served;

  RolloutInstance(String id, FlagStore store, Function<Toggles, ReleasePlan.Builder> plan) {
    this.id = id;
    this.toggles = Toggles.builder().source(InMemorySource.of(DEFINITION)).store(store).build();
    this.plan = plan.apply(toggles).build();
    this.plan.onTransition(transitions::add);
  }

  /** Serves {@code n} calls: each evaluates the flag for its user and records outcome and latency per variant. */
  Map<String, Integer> serve(int n) {
    int onNew = 0;
    for (int i = 0; i < n; i++) {
      long call = served++;
      String variant = toggles.stringDetails(FLAG, EvaluationContext.builder().targetingKey(id + "-user-" + call)
          .build(), "old").variant();
      boolean fails = call % ("new".equals(variant) ? newFailsEvery : oldFailsEvery) == 0;
      if ((call & 1) == 0) {
        // the caller's own timing
        toggles.variantRecording().record(FLAG, variant, !fails, 5_000_000);
      } else {
        // the wrapper, which times the work and counts a throw as an error
        try {
          toggles.variantRecording().call(FLAG, variant, () -> {
            if (fails) {
              throw new IllegalStateException("failed");
            }
            return variant;
          });
        } catch (IllegalStateException expected) {
          // the caller's error, recorded
        }
      }
      onNew += "new".equals(variant) ? 1 : 0;
    }
    return Map.of("new", onNew, "old", n - onNew);
  }

  /** The share of 2,000 fresh users that get the new variant, in percent. */
  double percentOnNew() {
    int onNew = 0;
    for (int i = 0; i < 2_000; i++) {
      String v = toggles.stringValue(FLAG, EvaluationContext.builder().targetingKey("probe-" + i).build(), "old");
      onNew += "new".equals(v) ? 1 : 0;
    }
    return onNew / 20.0;
  }

  /** The test plan: steps 10, 50, 100, judged on the error rate by the canaries' statistical judge. */
  static ReleasePlan.Builder rollout(Toggles toggles, String id, Clock clock, CanaryScheduler scheduler,
      FleetStore fleet) {
    return ReleasePlan.builder("checkout-ui-rollout", toggles)
        .stage(Stage.featureRollout(FLAG, "new", "old").steps(10, 50, 100)
            .metric(Metric.errorRate()).minRequestsPerVariant(1_000).minDuration(Duration.ZERO)
            .maxInconclusive(Duration.ofMinutes(30)).judge(Judge.statistical()))
        .clock(clock).scheduler(scheduler).fleet(fleet).instanceId(id).interval(Duration.ofMinutes(1));
  }

  void close() {
    plan.close();
    toggles.close();
  }
}
