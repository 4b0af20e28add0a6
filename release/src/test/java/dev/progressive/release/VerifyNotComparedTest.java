package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.testing.Await;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A verify stage counts a REJECTED candidate (the runner's bulkhead or queue was full: it was not run) neither as a
 * match nor as a mismatch, and shows it apart in the evidence as not compared, whether or not the stage names it as
 * noise; TIMEOUT and CANDIDATE_ERROR stay mismatches unless declared noise. On a controlled clock.
 */
class VerifyNotComparedTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final Rig rig = new Rig();
  private ParallelRunner busy;

  @AfterEach
  void close() {
    rig.close();
    if (busy != null) {
      busy.close();
    }
  }

  @Test
  void candidatesTheBulkheadRejectedUnderLoadDoNotFailTheRelease() throws Exception {
    busy = ParallelRunner.builder().name("busy").clock(rig.clock).threads(1).timeout(Duration.ofMinutes(10)).build();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Experiment<Integer, Integer, Integer> quotes = Experiment.<Integer, Integer, Integer>builder("quotes", busy)
        .control(x -> x)
        .candidate("v2", x -> {
          if (x == 0) {
            running.countDown();
            assertThat(finish.await(5, TimeUnit.MINUTES)).isTrue();
          }
          return x;
        })
        .build();
    Rig.Node a = rig.node("a", n -> n.plan(n.builder("p").stage(Stage.verify(busy, "quotes").minComparisons(1)
        .minMatchRate(1.0).failAboveMismatchRate(0.0)).stage(Stage.canary())));
    a.plan.start("alice", "v2 deployed dark");

    quotes.run(0);                                  // takes the runner's one permit and holds it
    assertThat(running.await(5, TimeUnit.MINUTES)).isTrue();
    for (int i = 1; i <= 20; i++) {
      assertThat(quotes.run(i)).as("the control answers").isEqualTo(i);
    }
    assertThat(comparisons("quotes", ComparisonOutcome.REJECTED)).as("the bulkhead was full").isEqualTo(20);
    finish.countDown();
    Await.until(() -> comparisons("quotes", ComparisonOutcome.MATCH) == 1, "the held candidate compared");

    rig.advance(MINUTE);

    assertThat(a.plan.status().state()).isEqualTo(ReleaseState.RUNNING);
    assertThat(a.plan.status().stage()).as("1 match and nothing else compared: passed, not failed")
        .isEqualTo("canary");
    assertThat(a.plan.status().evidence()).startsWith("experiment 'quotes': 1 comparisons (1 matches, 0 mismatches, "
        + "0 noise or ignored), 20 not compared (rejected: the candidate was not run), match rate 1.0000");
  }

  @Test
  void timeoutsAndCandidateErrorsStayMismatchesWhileRejectionsAreNotCompared() {
    Source source = new Source();
    Rig.Node a = rig.node("a", n -> n.plan(n.builder("p").stage(Stage.verify(source).minComparisons(20)
        .minMatchRate(0.9).failAboveMismatchRate(0.5)).stage(Stage.canary())));
    a.plan.start("alice", "v2 deployed dark");
    source.add(ComparisonOutcome.MATCH, 18);
    source.add(ComparisonOutcome.TIMEOUT, 1);
    source.add(ComparisonOutcome.CANDIDATE_ERROR, 1);
    source.add(ComparisonOutcome.REJECTED, 50);     // counted as mismatches, these would fail the plan

    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).as("18 of 20 compared match: 0.9").isEqualTo("canary");
    assertThat(a.plan.status().evidence()).startsWith("quotes source: 20 comparisons (18 matches, 2 mismatches, 0 "
        + "noise or ignored), 50 not compared (rejected: the candidate was not run), match rate 0.9000");
  }

  @Test
  void namingRejectedAsNoiseChangesNothingAndOtherNoiseIsCountedAsNoise() {
    Source source = new Source();
    Rig.Node a = rig.node("a", n -> n.plan(n.builder("p").stage(Stage.verify(source).minComparisons(20)
        .noise(ComparisonOutcome.TIMEOUT, ComparisonOutcome.CANDIDATE_ERROR, ComparisonOutcome.REJECTED))
        .stage(Stage.canary())));
    a.plan.start("alice", "v2 deployed dark");
    source.add(ComparisonOutcome.MATCH, 18);
    source.add(ComparisonOutcome.TIMEOUT, 1);
    source.add(ComparisonOutcome.CANDIDATE_ERROR, 1);
    source.add(ComparisonOutcome.REJECTED, 7);
    source.add(ComparisonOutcome.IGNORED, 3);

    rig.advance(MINUTE);

    GateStatus gate = a.plan.gate();
    assertThat(gate.result()).as("18 comparisons: under the minimum").isEqualTo(GateStatus.Result.WAIT);
    assertThat(gate.evidence()).startsWith("quotes source: 18 comparisons (18 matches, 0 mismatches, 5 noise or "
        + "ignored), 7 not compared (rejected: the candidate was not run), match rate 1.0000");
  }

  /** Comparisons counted by hand. */
  private static final class Source implements ComparisonSource {
    private final Map<ComparisonOutcome, Long> counts = new EnumMap<>(ComparisonOutcome.class);

    synchronized void add(ComparisonOutcome outcome, long n) {
      counts.merge(outcome, n, Long::sum);
    }

    @Override
    public String name() {
      return "quotes source";
    }

    @Override
    public synchronized Map<ComparisonOutcome, Long> comparisons() {
      return Map.copyOf(counts);
    }
  }

  private double comparisons(String experiment, ComparisonOutcome outcome) {
    var counter = busy.meterRegistry().find("progressive.parallelrun.comparisons").tag("experiment", experiment)
        .tag("outcome", outcome.tag()).counter();
    return counter == null ? 0 : counter.count();
  }
}
