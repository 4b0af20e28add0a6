package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.FleetSimulator.Scenario;
import dev.progressive.canary.FleetSimulator.Summary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet's judgement by simulation: N instances in one JVM on one shared store judge as one, with the release
 * docs/canary.md gives for the fleet's traffic ({@link FleetSimulator#release(String, int)}). The build runs a small
 * version (N = 1 and 10, 100 and 1,200 requests/s, 10 rollouts per row) and asserts the targets on it;
 * {@code -Dcanary.fleet.simulation=full} runs the tables of docs/canary.md (N = 1, 3, 10, 30, 100, 20 rollouts per
 * row; {@code -Dcanary.fleet.simulation.rollouts=} changes that).
 */
class CanaryFleetSimulationTest {

  private static final boolean FULL = "full".equals(System.getProperty("canary.fleet.simulation"));
  private static final int ROLLOUTS = Integer.getInteger("canary.fleet.simulation.rollouts", FULL ? 20 : 10);

  @Test
  void theFleetJudgesAsOneWhateverItsSizeAndTraffic() {
    // See docs/canary.md, "Measured: the fleet judges as one".
    int[] sizes = FULL ? new int[] {1, 3, 10, 30, 100} : new int[] {1, 10};
    int[] rates = {100, 1_200};
    Scenario[] scenarios = FULL
        ? new Scenario[] {FleetSimulator.EQUAL, FleetSimulator.ERRORS_X4, FleetSimulator.ERRORS_X2,
            FleetSimulator.TAIL, FleetSimulator.WITHIN, FleetSimulator.BETWEEN}
        : new Scenario[] {FleetSimulator.EQUAL, FleetSimulator.ERRORS_X4, FleetSimulator.TAIL};
    List<Summary> summaries = new ArrayList<>();
    System.out.println(Summary.header());
    for (Scenario scenario : scenarios) {
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
      assertThat(s.promoted() + s.rolledBack()).as("%s: every rollout ends", s.row()).isEqualTo(s.rollouts());
      Scenario scenario = s.scenario();
      if (scenario == FleetSimulator.EQUAL) {
        assertThat(s.promoted()).as("%s: an equal canary is promoted in at least 99%%", s.row())
            .isGreaterThanOrEqualTo(atLeast(0.99, s.rollouts()));
      }
      if (scenario == FleetSimulator.ERRORS_X4 || scenario == FleetSimulator.ERRORS_X2
          || scenario == FleetSimulator.TAIL) {
        assertThat(s.promoted()).as("%s: a regression is never promoted", s.row()).isZero();
        assertThat(s.rolledBack()).as("%s: a regression is rolled back in at least 99%%", s.row())
            .isGreaterThanOrEqualTo(atLeast(0.99, s.rollouts()));
      }
      if (scenario == FleetSimulator.WITHIN) {
        assertThat(s.promoted()).as("%s: a canary within the allowance is promoted in at least 95%%", s.row())
            .isGreaterThanOrEqualTo(atLeast(0.95, s.rollouts()));
      }
    }
    for (Scenario scenario : scenarios) {
      for (int rate : rates) {
        List<Summary> bySize = summaries.stream().filter(s -> s.scenario() == scenario && s.perSecond() == rate)
            .toList();
        Summary one = bySize.get(0);
        for (Summary s : bySize) {
          // Means, not medians: a regression caught in the first or the second minute, about half and half at
          // 100 requests/s, would flip a median between 1 and 2 minutes.
          if (scenario == FleetSimulator.EQUAL) {
            assertThat(s.meanMinutes()).as("%s: the time to promote does not grow with N", s.row())
                .isLessThanOrEqualTo(1.2 * one.meanMinutes() + 1);
          }
          if (scenario == FleetSimulator.ERRORS_X4 || scenario == FleetSimulator.ERRORS_X2
              || scenario == FleetSimulator.TAIL) {
            assertThat(s.meanMinutes()).as("%s: the time to roll back is within 1.5x of N = 1", s.row())
                .isLessThanOrEqualTo(1.5 * one.meanMinutes());
          }
        }
      }
    }
  }

  @Test
  void whenTheLeaseHolderDiesAtARandomMinuteEveryRolloutStillEndsWithNoDoubleTransition() {
    int[] sizes = FULL ? new int[] {3, 10, 30} : new int[] {10};
    int[] rates = FULL ? new int[] {100, 1_200} : new int[] {1_200};
    System.out.println(Summary.header());
    for (Scenario scenario : new Scenario[] {FleetSimulator.EQUAL, FleetSimulator.ERRORS_X4}) {
      for (int rate : rates) {
        for (int n : sizes) {
          Summary s = FleetSimulator.run(scenario, n, rate, "in-memory, holder killed", FleetSimulator::inMemory,
              ROLLOUTS, true);
          System.out.println(s.row());
          assertThat(s.promoted() + s.rolledBack()).as("%s: every rollout ends", s.row()).isEqualTo(s.rollouts());
          assertThat(s.doubleTransitions()).as("%s", s.row()).isZero();
          if (scenario == FleetSimulator.ERRORS_X4) {
            assertThat(s.promoted()).as("%s", s.row()).isZero();
          } else {
            assertThat(s.promoted()).as("%s", s.row()).isGreaterThanOrEqualTo(atLeast(0.99, s.rollouts()));
          }
        }
      }
    }
  }

  /** The fewest of {@code rollouts} that make a share of at least {@code share}. */
  private static int atLeast(double share, int rollouts) {
    return (int) Math.ceil(share * rollouts - 1e-9);
  }
}
