package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.canary.CanarySimulator.Scenario;
import dev.progressive.canary.CanarySimulator.Summary;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The judge's quality by simulation: the scenarios of docs/canary-judge.md with the statistical judge on one
 * instance. The build runs 10 rollouts per scenario with fixed seeds; for the table of the docs run
 * {@code ./mvnw -pl canary -am verify -Dtest=CanaryJudgeSimulationTest -Dcanary.simulation.rollouts=1000
 * -Dcanary.simulation.reference=true}, which also runs the Flagger-style threshold judges beside it.
 */
class CanaryJudgeSimulationTest {

  private static final int ROLLOUTS = Integer.getInteger("canary.simulation.rollouts", 10);
  private static final boolean REFERENCE = Boolean.getBoolean("canary.simulation.reference");

  @Test
  void theStatisticalJudgeMeetsTheExpectations() {
    Map<String, Summary> statistical = new LinkedHashMap<>();
    System.out.println("| scenario | | judge | rolled back | of which timed out | promoted | median time to the end "
        + "| median requests |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Scenario scenario : CanarySimulator.SCENARIOS) {
      Summary s = CanarySimulator.run(scenario, "statistical", Judge::statistical, ROLLOUTS);
      statistical.put(scenario.id(), s);
      System.out.println(s.row());
      if (REFERENCE) {
        System.out.println(CanarySimulator.run(scenario, "threshold 99% (Flagger-style)",
            ThresholdJudge::flaggerStyle, ROLLOUTS).row());
        System.out.println(CanarySimulator.run(scenario, "threshold 98% (Flagger-style)",
            ThresholdJudge::flaggerStyleLoose, ROLLOUTS).row());
      }
    }

    for (String equal : new String[] {"A", "A1"}) {
      assertThat(statistical.get(equal).promotedShare()).as(equal + ": an equal canary is promoted")
          .isGreaterThanOrEqualTo(0.99);
    }
    assertThat(statistical.get("A").rolledBack() - statistical.get("A").timedOut())
        .as("A: no equal canary is rolled back on a FAIL").isZero();
    for (String worse : new String[] {"B", "C", "C1", "D", "D1"}) {
      assertThat(statistical.get(worse).rolledBackShare()).as(worse + ": a regression is rolled back")
          .isGreaterThanOrEqualTo(0.99);
      assertThat(statistical.get(worse).promoted()).as(worse + ": a regression is never promoted").isZero();
    }
    assertThat(statistical.get("E").promotedShare()).as("E: within the allowance, promoted")
        .isGreaterThanOrEqualTo(0.95);
    assertThat(statistical.get("H").promoted()).as("H: never promoted without enough data").isZero();
    for (Summary s : statistical.values()) {
      if (s.promoted() > 0) {
        assertThat(s.minCanaryRequestsWhenPromoted()).as("%s: every passed step had its minimum requests",
            s.scenario().id()).isGreaterThanOrEqualTo(2_000);
      }
    }
  }

  @Test
  void theOldJavadocsFirstStepIsRefusedRatherThanPromotingATailRegression() {
    // With step(1, 10 min, 500) the old judge promoted the p99 tail regression in 200 of 200 rollouts.
    assertThatThrownBy(() -> CanaryRelease.builder("sim").step(1, Duration.ofMinutes(10), 500)
        .step(5, Duration.ofMinutes(10), 2_000)
        .metric(Metric.errorRate().allowedChange(0.10)).metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .build())
        .hasMessageContaining("step 1 (1.0%) asks for 500 requests per side").hasMessageContaining("p99 latency");
  }
}
