package dev.progressive.benchmarks.toggles;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
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
 * Loading and compiling 10,000 flags (a third with targeting) into a snapshot: parse, validate, compile, swap. The
 * target is under one second. Single-shot, so that the first (cold) loads count too.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ToggleLoad}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(2)
public class ToggleLoadBenchmark {

  private String document;

  @Setup
  public void setUp() {
    document = BenchmarkFlags.scaleDocument(10_000);
  }

  @Benchmark
  public int load10000Flags() {
    try (Toggles t = Toggles.builder().source(InMemorySource.of(document)).requireValidSources(true).build()) {
      return t.keys().size();
    }
  }
}
