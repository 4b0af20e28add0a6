package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.FleetSimulator.Summary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet's judgement by simulation: N instances in one JVM on one shared store judge as one. The build runs a
 * small version (N = 1 and 10, 1,200 requests/s, 10 rollouts); {@code -Dcanary.fleet.simulation=full} runs the table
 * of docs/canary.md (N = 1, 3, 10, 30, 100 at 100 and 1,200 requests/s).
 */
class CanaryFleetSimulationTest {

  private static final boolean FULL = "full".equals(System.getProperty("canary.fleet.simulation"));
  private static final int ROLLOUTS = Integer.getInteger("canary.fleet.simulation.rollouts", FULL ? 20 : 10);

  @Test
  void theFleetJudgesAsOneWhateverItsSize() {
    // See docs/canary.md, "Measured: the fleet judges as one".
    int[] sizes = FULL ? new int[] {1, 3, 10, 30, 100} : new int[] {1, 10};
    int[] rates = FULL ? new int[] {100, 1_200} : new int[] {1_200};
    FleetSimulator.Scenario[] scenarios = FULL
        ? new FleetSimulator.Scenario[] {FleetSimulator.EQUAL, FleetSimulator.ERRORS_X4, FleetSimulator.TAIL}
        : new FleetSimulator.Scenario[] {FleetSimulator.EQUAL, FleetSimulator.ERRORS_X4};
    List<Summary> summaries = new ArrayList<>();
    System.out.println(Summary.header());
    for (FleetSimulator.Scenario scenario : scenarios) {
      for (int rate : rates) {
        for (int n : sizes) {
          Summary s = FleetSimulator.run(scenario, n, rate, "in-memory", FleetSimulator::inMemory, ROLLOUTS);
          System.out.println(s.row());
          summaries.add(s);
        }
      }
    }
    for (Summary s : summaries) {
      assertThat(s.doubleTransitions()).as("%s: never two transitions for one step", s.row()).isZero();
      if (s.scenario() == FleetSimulator.EQUAL) {
        assertThat(s.rolledBack()).as("%s: an equal canary is rolled back at most once", s.row())
            .isLessThanOrEqualTo(1);
      }
      if (s.scenario() == FleetSimulator.ERRORS_X4) {
        assertThat(s.promoted()).as("%s: errors x4 is never promoted", s.row()).isZero();
        assertThat(s.rolledBack()).as("%s: errors x4 is rolled back", s.row()).isEqualTo(s.rollouts());
      }
    }
    for (FleetSimulator.Scenario scenario : scenarios) {
      for (int rate : rates) {
        List<Summary> bySize = summaries.stream().filter(s -> s.scenario() == scenario && s.perSecond() == rate)
            .toList();
        long one = bySize.get(0).medianTime().toMinutes();
        for (Summary s : bySize) {
          assertThat(s.medianTime().toMinutes()).as("%s: the time to decide does not grow with N", s.row())
              .isLessThanOrEqualTo(one + 2);
        }
      }
    }
  }

  @Test
  void whenTheLeaseHolderDiesAtARandomMinuteEveryRolloutStillEndsWithNoDoubleTransition() {
    int[] sizes = FULL ? new int[] {3, 10, 30} : new int[] {10};
    System.out.println(Summary.header());
    for (FleetSimulator.Scenario scenario : new FleetSimulator.Scenario[] {FleetSimulator.EQUAL,
        FleetSimulator.ERRORS_X4}) {
      for (int n : sizes) {
        Summary s = FleetSimulator.run(scenario, n, 1_200, "in-memory, holder killed", FleetSimulator::inMemory,
            ROLLOUTS, true);
        System.out.println(s.row());
        assertThat(s.promoted() + s.rolledBack()).as("%s: every rollout ends", s.row()).isEqualTo(s.rollouts());
        assertThat(s.doubleTransitions()).as("%s", s.row()).isZero();
        if (scenario == FleetSimulator.ERRORS_X4) {
          assertThat(s.promoted()).as("%s", s.row()).isZero();
        } else {
          assertThat(s.rolledBack()).as("%s", s.row()).isLessThanOrEqualTo(1);
        }
      }
    }
  }
}
