package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.parallelrun.diff.DiffOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

/** Every outcome, exception comparison, sampling, context and meters. */
class ExperimentOutcomeTest {

  record Item(String sku, BigDecimal price) {
  }

  record Order(String id, List<Item> items) {
  }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ParallelRunner runner = ParallelRunner.builder().meterRegistry(registry)
      .timeout(Duration.ofSeconds(5)).build();
  private final Collector results = new Collector();

  @AfterEach
  void close() {
    runner.close();
  }

  private <T, U> Experiment.Builder<String, T, U> experiment(String name, Mode mode) {
    return Experiment.<String, T, U>builder(name + "-" + mode, runner).mode(mode).publisher(results);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void equalValuesMatch(Mode mode) throws Exception {
    Experiment<String, Integer, Integer> experiment = this.<Integer, Integer>experiment("match", mode)
        .control(in -> 42).candidate("new", in -> 42).build();

    assertThat(experiment.run("x")).isEqualTo(42);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MATCH);
    assertThat(result.candidateName()).isEqualTo("new");
    assertThat(result.control().value()).isEqualTo(42);
    assertThat(result.candidate().value()).isEqualTo(42);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void differentRecordsMismatchWithAStructuralDiffAndAreKept(Mode mode) throws Exception {
    Order old = new Order("o-1", List.of(new Item("a", new BigDecimal("1.00")), new Item("b", new BigDecimal("2")),
        new Item("c", new BigDecimal("10.00"))));
    Order rewritten = new Order("o-1", List.of(new Item("a", new BigDecimal("1.00")),
        new Item("b", new BigDecimal("2")), new Item("c", new BigDecimal("10.0"))));
    Experiment<String, Order, Order> experiment = this.<Order, Order>experiment("mismatch", mode)
        .control(in -> old).candidate("rewrite", in -> rewritten).build();

    assertThat(experiment.run("x")).isSameAs(old);
    Result<?, ?> result = results.next();
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(Object::toString)
        .containsExactly("items[2].price: 10.00 ≠ 10.0");
    assertThat(experiment.recentMismatches()).singleElement().satisfies(m -> {
      assertThat(m.candidateName()).isEqualTo("rewrite");
      assertThat(m.differences()).hasSize(1);
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anIgnoreRuleTurnsAMismatchIntoIgnored(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("ignored", mode)
        .control(in -> "old").candidate("new", in -> "new")
        .ignore((c, k) -> "new".equals(k.value()))
        .build();

    experiment.run("x");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.IGNORED);
    assertThat(experiment.recentMismatches()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void exceptionsOfTheSameClassAndMessageMatch(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("same-ex", mode)
        .control(in -> {
          throw new IllegalArgumentException("bad id " + in);
        })
        .candidate("new", in -> {
          throw new IllegalArgumentException("bad id " + in);
        })
        .build();

    assertThatThrownBy(() -> experiment.run("7")).hasMessage("bad id 7");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void exceptionsWithDifferentMessagesOrClassesMismatch(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("diff-ex", mode)
        .control(in -> {
          throw new IllegalArgumentException("bad id");
        })
        .candidate("message", in -> {
          throw new IllegalArgumentException("invalid id");
        })
        .candidate("class", in -> {
          throw new IllegalStateException("bad id");
        })
        .build();

    assertThatThrownBy(() -> experiment.run("x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(results.next(2)).extracting(Result::outcome).containsOnly(ComparisonOutcome.MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCustomExceptionRuleReplacesTheDefault(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("custom-ex", mode)
        .control(in -> {
          throw new IllegalArgumentException("bad id");
        })
        .candidate("new", in -> {
          throw new IllegalArgumentException("invalid id");
        })
        .exceptionComparator((c, k) -> c.getClass() == k.getClass())
        .build();

    assertThatThrownBy(() -> experiment.run("x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anExceptionAgainstAValueIsAMismatchEitherWay(Mode mode) throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("ex-vs-value", mode)
        .control(in -> {
          if (in.equals("control-throws")) {
            throw new IllegalStateException("old failed");
          }
          return "old";
        })
        .candidate("new", in -> {
          if (in.equals("candidate-throws")) {
            throw new IllegalStateException("new failed");
          }
          return "old";
        })
        .build();

    assertThatThrownBy(() -> experiment.run("control-throws")).hasMessage("old failed");
    Result<?, ?> first = results.next();
    assertThat(first.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(first.differences()).extracting(Object::toString)
        .containsExactly("$: \"threw java.lang.IllegalStateException: old failed\" ≠ \"old\"");
    assertThat(experiment.run("candidate-throws")).isEqualTo("old");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
  }

  @Test
  void theCleanerRedactsWhatIsDiffedAndKept() throws Exception {
    Experiment<String, Map<String, String>, Map<String, String>> experiment =
        this.<Map<String, String>, Map<String, String>>experiment("cleaned", Mode.SEQUENTIAL)
            .control(in -> Map.of("card", "4111-1111", "total", "10"))
            .candidate("new", in -> Map.of("card", "4111-2222", "total", "11"))
            .cleaner(m -> Map.of("total", m.get("total")), m -> Map.of("total", m.get("total")))
            .build();

    experiment.run("x");
    assertThat(results.next().differences()).extracting(Object::toString).containsExactly("total: \"10\" ≠ \"11\"");
    assertThat(experiment.recentMismatches().get(0).toString()).doesNotContain("4111");
  }

  @Test
  void diffOptionsDriveTheDefaultComparator() throws Exception {
    Experiment<String, Item, Item> experiment = this.<Item, Item>experiment("tolerant", Mode.SEQUENTIAL)
        .control(in -> new Item("a", new BigDecimal("10.00")))
        .candidate("new", in -> new Item("a", new BigDecimal("10.001")))
        .diffOptions(DiffOptions.builder().numericTolerance(new BigDecimal("0.01")).build())
        .build();

    experiment.run("x");
    assertThat(results.next().outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @Test
  void aDisabledExperimentRunsOnlyTheControl() throws Exception {
    AtomicInteger candidateCalls = new AtomicInteger();
    boolean[] on = {false};
    Experiment<String, String, String> experiment = this.<String, String>experiment("switch", Mode.SEQUENTIAL)
        .control(in -> "old")
        .candidate("new", in -> "n" + candidateCalls.incrementAndGet())
        .enabled(() -> on[0])
        .build();

    assertThat(experiment.run("x")).isEqualTo("old");
    assertThat(candidateCalls).hasValue(0);
    on[0] = true;
    experiment.run("x");
    assertThat(candidateCalls).hasValue(1);
  }

  @Test
  void samplingByRateAndByPredicate() throws Exception {
    AtomicInteger candidateCalls = new AtomicInteger();
    Experiment<String, String, String> never = this.<String, String>experiment("rate0", Mode.SEQUENTIAL)
        .control(in -> "old").candidate("new", in -> "n" + candidateCalls.incrementAndGet())
        .sampleRate(0.0).build();
    Experiment<String, String, String> vipOnly = this.<String, String>experiment("vip", Mode.SEQUENTIAL)
        .control(in -> "old").candidate("new", in -> "n" + candidateCalls.incrementAndGet())
        .sampler(in -> in.startsWith("vip")).build();

    for (int i = 0; i < 100; i++) {
      never.run("x");
    }
    assertThat(candidateCalls).hasValue(0);
    vipOnly.run("regular");
    vipOnly.run("vip-1");
    assertThat(candidateCalls).hasValue(1);
  }

  @Test
  void mdcAndAPropagatedContextReachTheCandidateThread() throws Exception {
    ThreadLocal<String> tenant = new ThreadLocal<>();
    CompletableFuture<String> seen = new CompletableFuture<>();
    Experiment<String, String, String> experiment = this.<String, String>experiment("mdc", Mode.ASYNC)
        .control(in -> "old")
        .candidate("new", in -> {
          seen.complete(MDC.get("requestId") + "/" + tenant.get() + "/" + Thread.currentThread().getName());
          return "old";
        })
        .contextPropagator(() -> {
          String captured = tenant.get();
          return () -> {
            tenant.set(captured);
            return tenant::remove;
          };
        })
        .context("team", "payments")
        .build();

    MdcForTests.install();
    MDC.put("requestId", "r-42");
    tenant.set("acme");
    try {
      experiment.run("x");
    } finally {
      MDC.clear();
      tenant.remove();
    }
    assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("r-42/acme/progressive-parallel-run-");
    assertThat(results.next().context()).containsEntry("team", "payments");
  }

  @Test
  void wallTimeIsAlwaysAndCpuTimeOptionallyObserved() throws Exception {
    Experiment<String, Long, Long> experiment = this.<Long, Long>experiment("cpu", Mode.SEQUENTIAL)
        .control(in -> spin())
        .candidate("new", in -> spin())
        .measureCpuTime(true)
        .build();

    experiment.run("x");
    Result<?, ?> result = results.next();
    assertThat(result.control().wallTimeNanos()).isPositive();
    assertThat(result.control().hasCpuTime()).isTrue();
    assertThat(result.candidate().cpuTimeNanos()).isPositive();
  }

  private static long spin() {
    long x = 0;
    for (int i = 0; i < 200_000; i++) {
      x += Long.numberOfTrailingZeros(i * 31L + x);
    }
    return x >= 0 ? 1 : 0;
  }

  @Test
  void sequentialModeRunsControlAndCandidateInRandomOrder() throws Exception {
    StringBuilder trace = new StringBuilder();
    Experiment<String, String, String> experiment = Experiment.<String, String, String>builder("order", runner)
        .mode(Mode.SEQUENTIAL)
        .control(in -> {
          trace.append('c');
          return "v";
        })
        .candidate("new", in -> {
          trace.append('n');
          return "v";
        })
        .build();

    Set<String> orders = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      trace.setLength(0);
      experiment.run("x");
      orders.add(trace.toString());
    }
    assertThat(orders).containsExactlyInAnyOrder("cn", "nc");
  }

  @Test
  void metersCountOutcomesAndTimeBothBehaviours() throws Exception {
    Experiment<String, String, String> experiment = this.<String, String>experiment("meters", Mode.SEQUENTIAL)
        .control(in -> "old")
        .candidate("new", in -> in)
        .build();

    experiment.run("old");
    experiment.run("old");
    experiment.run("other");
    results.next(3);

    String name = "meters-SEQUENTIAL";
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", name)
        .tag("outcome", "match").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", name)
        .tag("outcome", "mismatch").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", name).counters())
        .extracting(c -> c.getId().getTag("outcome"))
        .containsExactlyInAnyOrder("match", "mismatch", "ignored", "candidate_error", "timeout", "rejected");
    assertThat(registry.get("progressive.parallelrun.duration").tag("experiment", name)
        .tag("behavior", "control").timer().count()).isEqualTo(3);
    assertThat(registry.get("progressive.parallelrun.duration").tag("experiment", name)
        .tag("behavior", "candidate").timer().count()).isEqualTo(3);
  }

  @Test
  void theBuilderChecksItsArguments() {
    assertThatThrownBy(() -> Experiment.builder(" ", runner)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Experiment.<String, String, String>builder("b", runner).sampleRate(1.5))
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> Experiment.<String, String, String>builder("b", runner).control(in -> "x").build())
        .hasMessageContaining("at least one candidate");
    assertThatThrownBy(() -> Experiment.<String, String, String>builder("b", runner)
        .candidate("n", in -> "x").candidate("n", in -> "y")).hasMessageContaining("twice");
    Experiment.<String, String, String>builder("dup", runner).control(in -> "x").candidate("n", in -> "x").build();
    assertThatThrownBy(() -> Experiment.<String, String, String>builder("dup", runner).control(in -> "x")
        .candidate("n", in -> "x").build()).hasMessageContaining("already exists");
    assertThat(runner.experiment("dup")).isPresent();
  }
}
