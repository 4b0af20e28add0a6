package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.CanarySimulator.Scenario;
import dev.progressive.canary.CanarySimulator.Summary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The judge's quality by simulation: the scenarios of docs/canary-judge.md with the statistical judge, and the
 * Flagger-style threshold judge beside it. Runs 100 rollouts per scenario in the build; set
 * {@code -Dcanary.simulation.rollouts=1000} for the full table.
 */
class CanaryJudgeSimulationTest {

  private static final int ROLLOUTS = Integer.getInteger("canary.simulation.rollouts", 100);

  @Test
  void theStatisticalJudgeMeetsTheExpectations() {
    List<String> rows = new ArrayList<>();
    Summary[] statistical = new Summary[CanarySimulator.SCENARIOS.length];
    for (int i = 0; i < CanarySimulator.SCENARIOS.length; i++) {
      Scenario scenario = CanarySimulator.SCENARIOS[i];
      statistical[i] = CanarySimulator.run(scenario, "statistical", Judge::statistical, ROLLOUTS);
      Summary reference = CanarySimulator.run(scenario, "threshold 99% (Flagger-style)", ThresholdJudge::flaggerStyle,
          ROLLOUTS);
      Summary loose = CanarySimulator.run(scenario, "threshold 98% (Flagger-style)",
          ThresholdJudge::flaggerStyleLoose, ROLLOUTS);
      rows.add(statistical[i].row());
      rows.add(reference.row());
      rows.add(loose.row());
    }
    System.out.println("| scenario | | judge | rolled back | promoted | median requests to a decision |");
    System.out.println("|---|---|---|---|---|---|");
    rows.forEach(System.out::println);

    assertThat(statistical[0].rolledBackShare()).as("A: false rollbacks").isLessThanOrEqualTo(0.02);
    assertThat(statistical[1].rolledBackShare()).as("B: error regression caught").isGreaterThanOrEqualTo(0.95);
    assertThat(statistical[2].rolledBackShare()).as("C: median regression caught").isGreaterThanOrEqualTo(0.95);
    assertThat(statistical[3].rolledBackShare()).as("D: tail regression caught").isGreaterThanOrEqualTo(0.90);
    assertThat(statistical[4].promoted()).as("E: never promoted without enough data").isZero();
    for (Summary s : statistical) {
      if (s.promoted() > 0) {
        assertThat(s.minCanaryRequestsWhenPromoted()).as("%s: every passed step had its minimum requests",
            s.scenario().id()).isGreaterThanOrEqualTo(1_000);
      }
    }
  }
}
