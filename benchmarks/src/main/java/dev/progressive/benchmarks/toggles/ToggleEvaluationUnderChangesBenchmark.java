package dev.progressive.benchmarks.toggles;

import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.ChangeRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native evaluations of {@link ToggleEvaluationBenchmark} while ops' changes are applied: with
 * {@code changesPerSecond=1000}, a background thread writes 1,000 changes a second through the write API (another
 * flag's default variant, so each is a validated write, an audit entry, a rebuild and a snapshot swap); with 0, none.
 * Both run in the same fork settings so that the ratio is what the issue asks for (within 20 %).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ToggleEvaluationUnderChanges -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ToggleEvaluationUnderChangesBenchmark {

  private static final int USERS = 1024;
  private static final String DOCUMENT = BenchmarkFlags.DOCUMENT.replace("\"flags\": {", """
      "flags": {
          "churn": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "a"},""");

  @Param({"0", "1000"})
  public int changesPerSecond;

  Toggles toggles;
  EvaluationContext empty = EvaluationContext.empty();
  EvaluationContext[] users = new EvaluationContext[USERS];
  EvaluationContext ruleUser;
  ScheduledExecutorService churn;
  final AtomicLong applied = new AtomicLong();
  int next;

  @Setup(Level.Trial)
  public void setUp() {
    toggles = Toggles.builder().source(InMemorySource.of(DOCUMENT)).meterRegistry(new SimpleMeterRegistry())
        .requireValidSources(true).build();
    for (int i = 0; i < USERS; i++) {
      users[i] = EvaluationContext.of("user-" + i + "@example.org");
    }
    ruleUser = EvaluationContext.builder().targetingKey("user-1").attribute("email", "ada@example.com")
        .attribute("tier", "gold").build();
    if (changesPerSecond > 0) {
      churn = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "churn");
        t.setDaemon(true);
        return t;
      });
      long periodMicros = 1_000_000L / changesPerSecond;
      churn.scheduleAtFixedRate(() -> {
        long n = applied.get();
        toggles.admin().setDefaultVariant("churn", n % 2 == 0 ? "b" : "a", ChangeRequest.of("bench", "churn", n));
        applied.incrementAndGet();
      }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (churn != null) {
      churn.shutdownNow();
      churn.awaitTermination(5, TimeUnit.SECONDS);
      System.out.println("\nchanges applied during the trial: " + applied.get());
    }
    toggles.close();
  }

  @Benchmark
  public boolean static_native() {
    return toggles.isEnabled(BenchmarkFlags.STATIC, empty);
  }

  @Benchmark
  public boolean rollout_native() {
    int i = next;
    next = (i + 1) & (USERS - 1);
    return toggles.isEnabled(BenchmarkFlags.ROLLOUT, users[i]);
  }

  @Benchmark
  public boolean rule_native() {
    return toggles.isEnabled(BenchmarkFlags.RULE, ruleUser);
  }
}
