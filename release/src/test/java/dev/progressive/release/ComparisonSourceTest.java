package dev.progressive.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Cohort;
import dev.progressive.parallelrun.ComparisonOutcome;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A verify stage on a {@link ComparisonSource} of the user's own: counted from where the stage began, pooled over the
 * fleet like the built-in sources, and a source that throws neither breaks routing nor loses the counts made so far.
 */
class ComparisonSourceTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final Rig rig = new Rig();

  @AfterEach
  void close() {
    rig.close();
  }

  /** Counts kept by hand, as a source of one's own would; it throws while {@link #broken} is set. */
  private static final class Counted implements ComparisonSource {
    final Map<ComparisonOutcome, Long> counts = new EnumMap<>(ComparisonOutcome.class);
    final AtomicBoolean broken = new AtomicBoolean();

    synchronized void add(ComparisonOutcome o, long n) {
      counts.merge(o, n, Long::sum);
    }

    @Override
    public String name() {
      return "replayed traffic";
    }

    @Override
    public synchronized Map<ComparisonOutcome, Long> comparisons() {
      if (broken.get()) {
        throw new IllegalStateException("the replay log cannot be read");
      }
      return Map.copyOf(counts);
    }
  }

  private static ReleasePlan.Builder plan(Rig.Node n, Counted source) {
    return n.builder("p").stage(Stage.verify(source).minComparisons(10).minMatchRate(0.9)).stage(Stage.canary());
  }

  @Test
  void aSourceOfOnesOwnIsCountedFromTheStagesStartAndAcrossTheFleet() {
    Counted sourceA = new Counted();
    Counted sourceB = new Counted();
    sourceA.add(ComparisonOutcome.MISMATCH, 50);          // before the stage: not counted
    Rig.Node a = rig.node("a", n -> n.plan(plan(n, sourceA)));
    Rig.Node b = rig.node("b", n -> n.plan(plan(n, sourceB)));
    a.plan.start("alice", "v2 dark");
    assertThat(a.plan.stages().get(0).experiment()).as("no experiment tag for a source of one's own").isNull();
    assertThat(b.plan.decide("k", Cohort.CANARY)).isEqualTo(Cohort.CANARY);

    sourceA.add(ComparisonOutcome.MATCH, 6);
    sourceB.add(ComparisonOutcome.MATCH, 4);
    rig.advance(MINUTE.multipliedBy(2));

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("replayed traffic: 10 comparisons (10 matches, 0 mismatches");
  }

  @Test
  void aSourceThatThrowsNeitherBreaksRoutingNorLosesWhatItCounted() {
    Counted source = new Counted();
    Rig.Node a = rig.node("a", n -> n.plan(plan(n, source)));
    a.plan.start("alice", "v2 dark");
    source.add(ComparisonOutcome.MATCH, 7);
    rig.advance(MINUTE);
    assertThat(a.plan.gate().evidence()).contains("7 comparisons");

    source.broken.set(true);
    assertThat(a.calls(3, Cohort.CANARY)).as("routing does not read the source").isEqualTo(3);
    rig.advance(MINUTE);
    assertThat(a.plan.status().stage()).isEqualTo("verify");
    assertThat(a.plan.gate().evidence()).as("the last counts stand").contains("7 comparisons");

    source.add(ComparisonOutcome.MATCH, 3);
    source.broken.set(false);
    rig.advance(MINUTE);

    assertThat(a.plan.status().stage()).isEqualTo("canary");
    assertThat(a.plan.status().evidence()).contains("10 comparisons");
  }

  @Test
  void theBuiltInSourcesNameWhatTheyCount() {
    Rig.Node a = rig.node("a", n -> { });
    Stage byRunner = Stage.verify(ComparisonSource.parallelRun(a.runner, "pricing")).build();
    assertThat(byRunner.runner()).isSameAs(a.runner);
    assertThat(byRunner.experiment()).isEqualTo("pricing");
    assertThat(byRunner.comparisons().name()).isEqualTo("experiment 'pricing'");
    assertThat(Stage.verify(a.runner, "pricing").build().comparisons().name()).isEqualTo("experiment 'pricing'");
  }
}
