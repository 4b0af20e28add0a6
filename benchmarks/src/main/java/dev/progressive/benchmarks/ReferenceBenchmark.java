package dev.progressive.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor that every flag lookup is measured against: reading one volatile reference to an immutable map and
 * getting one key from it. A flag evaluation cannot be cheaper than this, so the toggles benchmarks quote their
 * figures next to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ReferenceBenchmark {

  private volatile Map<String, Boolean> snapshot;

  @Setup
  public void setUp() {
    Map<String, Boolean> flags = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      flags.put("flag-" + i, i % 2 == 0);
    }
    flags.put("new-menu-search", Boolean.TRUE);
    snapshot = Map.copyOf(flags);
  }

  @Benchmark
  public Boolean volatileMapGet() {
    return snapshot.get("new-menu-search");
  }
}
