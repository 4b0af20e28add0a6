package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.Hostile.Node;
import dev.progressive.parallelrun.Hostile.Parent;
import dev.progressive.parallelrun.Hostile.Ring;
import dev.progressive.parallelrun.diff.BoundedTree;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Values that a naive diff cannot survive: cycles, recursive toString, shared sub-graphs, huge values. The caller
 * always gets the control's answer, the comparison ends, and what is kept stays within its byte budget.
 */
class HostileValuesTest {

  private final ParallelRunner runner = ParallelRunner.builder().timeout(Duration.ofSeconds(30))
      .mismatchLog(1, Duration.ofSeconds(10)).build();
  private final Collector results = new Collector();

  @AfterEach
  void close() {
    runner.close();
  }

  private <T> Experiment<Integer, T, T> experiment(String name, Mode mode, java.util.function.Supplier<T> control,
      java.util.function.Supplier<T> candidate) {
    return Experiment.<Integer, T, T>builder(name + "-" + mode, runner)
        .mode(mode)
        .control(in -> control.get())
        .candidate("new", in -> candidate.get())
        .publisher(results)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRecordThatContainsItselfThroughAListIsComparedByIdentityCycles(Mode mode) throws Exception {
    Node old = Node.selfContaining("a");
    Experiment<Integer, Node, Node> experiment = experiment("self", mode, () -> old,
        () -> Node.selfContaining("b"));

    assertThat(experiment.run(1)).isSameAs(old);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(Difference::toString)
        .containsExactly("name: \"a\" ≠ \"b\"", "children[1].leaf: \"a\" ≠ \"b\"");
    Mismatch kept = experiment.recentMismatches().get(0);
    assertThat(String.valueOf(kept.control())).contains("(cycle: the value 2 levels up)");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void twoEqualCyclicGraphsMatchEvenThoughTheirEqualsOverflows(Mode mode) throws Exception {
    Experiment<Integer, Node, Node> experiment = experiment("equal-cycles", mode, () -> Node.selfContaining("a"),
        () -> Node.selfContaining("a"));

    assertThat(experiment.run(1).name()).isEqualTo("a");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aThreeNodeRingOfBeansIsThreeNodesNotTwoToTheThirtyTwo(Mode mode) throws Exception {
    Ring old = Ring.of("a", "b", "c");
    Experiment<Integer, Ring, Ring> experiment = experiment("ring", mode, () -> old, () -> Ring.of("a", "b", "x"));

    assertThat(experiment.run(1)).isSameAs(old);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(Difference::toString)
        .containsExactly("next.next.name: \"c\" ≠ \"x\"");
    assertThat(Difference.render(result.differences().get(0).control())).isEqualTo("\"c\"");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aParentAndChildWithRecursiveToStringAreComparedAndRenderedSafely(Mode mode) throws Exception {
    Parent old = new Parent("p", "x", "y");
    Experiment<Integer, Parent, Parent> experiment = experiment("family", mode, () -> old,
        () -> new Parent("p", "x", "z"));

    assertThat(experiment.run(1)).isSameAs(old);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(Difference::toString)
        .containsExactly("children[1].name: \"y\" ≠ \"z\"");
    assertThat(BoundedTree.safeText(old)).contains("toString threw java.lang.StackOverflowError");
    Mismatch kept = experiment.recentMismatches().get(0);
    assertThat(String.valueOf(kept.control())).contains("children").contains("(cycle: the value 3 levels up)");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSharedSubGraphIsComparedOncePerPairNotOncePerPath(Mode mode) throws Exception {
    // 60 levels of a diamond: 2^60 paths if walked as a tree.
    Experiment<Integer, Object, Object> experiment = Experiment.<Integer, Object, Object>builder("dag-" + mode,
            runner)
        .mode(mode)
        .control(in -> diamond(60, "bottom"))
        .candidate("new", in -> diamond(60, "changed"))
        .diffOptions(dev.progressive.parallelrun.diff.DiffOptions.builder().maxDepth(64).build())
        .publisher(results)
        .build();

    assertThat(experiment.run(1)).isInstanceOf(List.class);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    // The two strings at the bottom, found once each: the shared pairs above them are not walked again.
    assertThat(result.differences()).extracting(Difference::path)
        .containsExactly("[0]".repeat(60), "[0]".repeat(59) + "[1]");
  }

  /** A bean whose getter fails when asked to. */
  public static final class Lazy {
    private final boolean loaded;

    Lazy(boolean loaded) {
      this.loaded = loaded;
    }

    public String getDetails() {
      if (!loaded) {
        throw new IllegalStateException("lazy association not loaded");
      }
      return "details";
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPropertyThatCannotBeReadFailsOnlyItsOwnComparisonAndNamesIt(Mode mode) throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Experiment<Integer, Object, Object> experiment = Experiment.<Integer, Object, Object>builder("lazy-" + mode,
            runner)
        .mode(mode)
        .control(in -> List.of(new Lazy(true)))
        .candidate("new", in -> List.of(new Lazy(calls.incrementAndGet() > 1)))
        .publisher(results)
        .build();

    assertThat(experiment.run(1)).isInstanceOf(List.class);
    Result<?, ?> failed = results.next();
    assertThat(failed.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(failed.failure()).isInstanceOf(dev.progressive.parallelrun.diff.DiffException.class)
        .hasMessageContaining("reading \"details\" of " + Lazy.class.getName() + " (at [0].details)")
        .hasMessageContaining("lazy association not loaded");

    experiment.run(2);
    Result<?, ?> next = results.next();
    assertThat(next.outcome()).isEqualTo(ComparisonOutcome.MATCH);
    assertThat(next.failure()).isNull();
  }

  /** A list of two references to the same list, {@code levels} deep, ending in a string. */
  private static Object diamond(int levels, String bottom) {
    Object level = bottom;
    for (int i = 0; i < levels; i++) {
      level = List.of(level, level);
    }
    return level;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHugeValueIsComparedWithinTheNodeBudgetAndNeverTakenForAMatch(Mode mode) throws Exception {
    List<Integer> big = IntStream.range(0, 1_000_000).boxed().toList();
    List<Integer> other = new ArrayList<>(big);
    other.set(999_999, -1);
    Experiment<Integer, List<Integer>, List<Integer>> experiment = experiment("huge", mode, () -> big, () -> other);

    assertThat(experiment.run(1)).isSameAs(big);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).singleElement().satisfies(d -> {
      assertThat(d.control()).isInstanceOf(Marker.class);
      assertThat(d.control()).hasToString("(not compared: over 100000 nodes)");
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void whenOneSideThrowsTheOthersKeptValueIsBounded(Mode mode) throws Exception {
    List<Integer> big = IntStream.range(0, 1_000_000).boxed().toList();
    Experiment<Integer, List<Integer>, List<Integer>> experiment = Experiment
        .<Integer, List<Integer>, List<Integer>>builder("threw-" + mode, runner)
        .mode(mode)
        .control(in -> big)
        .candidate("new", in -> {
          throw new IllegalStateException("candidate broke");
        })
        .publisher(results)
        .build();

    assertThat(experiment.run(1)).isSameAs(big);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    Difference whole = result.differences().get(0);
    assertThat(whole.path()).isEqualTo("$");
    assertThat(BoundedTree.copy(whole.control(), Long.MAX_VALUE).bytes()).isLessThanOrEqualTo(2_048 + 256);
    assertThat(whole.candidate()).isEqualTo("threw java.lang.IllegalStateException: candidate broke");
    Mismatch kept = experiment.recentMismatches().get(0);
    assertThat(kept.truncated()).isTrue();
    assertThat(BoundedTree.copy(kept.control(), Long.MAX_VALUE).bytes()).isLessThanOrEqualTo(10_486 / 4 + 256);
    assertThat(String.valueOf(kept.control())).contains("(truncated: ");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theKeptMismatchesStayWithinTheirByteBudget(Mode mode) throws Exception {
    String mega = String.join("", Collections.nCopies(1 << 20, "x"));
    Experiment<Integer, String, String> experiment = Experiment.<Integer, String, String>builder("bytes-" + mode,
            runner)
        .mode(mode)
        .control(in -> mega + in)
        .candidate("new", in -> mega + (in + 1))
        .keepMismatches(1_000)
        .keepMismatchBytes(4L << 20)
        .publisher(results)
        .build();
    // A candidate thread gives its bulkhead permit back just after the result is published: wait for that, or on a
    // loaded machine the next calls can find both permits still held and count the candidate as rejected.
    Semaphore permitsBack = new Semaphore(0);
    runner.bulkhead().getEventPublisher().onCallFinished(event -> permitsBack.release());

    for (int i = 0; i < 50; i++) {
      experiment.run(i);
      assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
      if (mode == Mode.ASYNC) {
        assertThat(permitsBack.tryAcquire(10, TimeUnit.SECONDS)).as("the permit back within 10 s").isTrue();
      }
    }
    List<Mismatch> kept = experiment.recentMismatches();
    assertThat(kept).hasSize(50).allSatisfy(m -> assertThat(m.truncated()).isTrue());
    long bytes = kept.stream().mapToLong(HostileValuesTest::bytes).sum();
    assertThat(bytes).as("50 of at most 1,000 mismatches within 4 MiB").isLessThanOrEqualTo(50L * ((4L << 20) / 1_000)
        + 50L * 512);
    assertThat((String) kept.get(0).control()).contains("…(truncated: ").hasSizeLessThan(2_000);
  }

  private static long bytes(Mismatch m) {
    long total = BoundedTree.copy(m.control(), Long.MAX_VALUE).bytes()
        + BoundedTree.copy(m.candidate(), Long.MAX_VALUE).bytes();
    for (Difference d : m.differences()) {
      total += BoundedTree.copy(d.control(), Long.MAX_VALUE).bytes()
          + BoundedTree.copy(d.candidate(), Long.MAX_VALUE).bytes() + 2L * d.path().length();
    }
    return total;
  }
}
