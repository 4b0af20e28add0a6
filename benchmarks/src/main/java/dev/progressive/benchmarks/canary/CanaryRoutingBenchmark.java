package dev.progressive.benchmarks.canary;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Cohort;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The canary's routing decision: {@code decide(key)} over 1024 rotating keys at a 25% weight, with and without an
 * allow-list (which is checked first). The budget is 50 ns/op and no allocation.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CanaryRouting -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CanaryRoutingBenchmark {

  private static final int KEYS = 1024;

  private Toggles toggles;
  private Canary plain;
  private Canary allowListed;
  private String[] keys;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    toggles = Toggles.builder().store(new InMemoryFlagStore()).build();
    plain = canary("pricing-a", false);
    allowListed = canary("pricing-b", true);
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user-" + (i * 7919);
    }
  }

  private Canary canary(String name, boolean allowList) {
    CanaryRelease release = CanaryRelease.builder(name)
        .step(1, Duration.ofMinutes(10), 100).step(25, Duration.ofMinutes(10), 100).build();
    Canary.Builder b = Canary.builder(release, toggles);
    if (allowList) {
      for (int i = 0; i < 100; i++) {
        b.allow("tester-" + i, Cohort.CANARY);
      }
    }
    Canary canary = b.build();
    canary.start("bench", "start");
    canary.promote("bench", "to 25%", false);
    return canary;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    allowListed.close();
    toggles.close();
  }

  private String key() {
    int i = next;
    next = (i + 1) & (KEYS - 1);
    return keys[i];
  }

  @Benchmark
  public Cohort decide() {
    return plain.decide(key());
  }

  @Benchmark
  public Cohort decideWithAllowList() {
    return allowListed.decide(key());
  }
}
