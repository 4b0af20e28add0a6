package dev.progressive.benchmarks.toggles;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.logic.CompileScope;
import dev.progressive.toggles.internal.logic.Expr;
import dev.progressive.toggles.internal.logic.LogicCompiler;
import dev.progressive.toggles.internal.logic.RootData;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.semver4j.Semver;
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
 * Where the time of the {@code rule} and {@code rollout} evaluations goes: the compiled rules alone, and their
 * parts, evaluated against a fixed root, without the engine around them. A diagnostic for work on the hot path.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RuleBreakdown}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RuleBreakdownBenchmark {

  private Expr rule;
  private Expr endsWith;
  private Expr equals;
  private Expr var;
  private Expr rollout;
  private Expr semVer;
  private final Semver semVerTarget = Semver.parse(SEM_VER_TARGET);
  private RootData root;
  private final dev.progressive.toggles.bucketing.Murmur3.Prefix prefix =
      dev.progressive.toggles.bucketing.Murmur3.prefix("rollout-flag", 0);
  private final String user = "user-617@example.org";
  /** The {@code sem_ver} comparison both implementations make: prefix, numbers equal, then pre-release identifiers. */
  static final String SEM_VER_VERSION = "v2.4.1-rc.1";
  static final String SEM_VER_OPERATOR = ">=";
  static final String SEM_VER_TARGET = "2.4.1-beta.3";

  /** A root over a plain map, as the engine's per-thread data reads a context. */
  static final class MapRoot implements RootData {
    final Map<String, Object> values;
    final String targetingKey;

    MapRoot(Map<String, Object> values, String targetingKey) {
      this.values = values;
      this.targetingKey = targetingKey;
    }

    @Override
    public Object attribute(String name) {
      return values.get(name);
    }

    @Override
    public String targetingKey() {
      return targetingKey;
    }

    @Override
    public String flagKey() {
      return "rule-flag";
    }

    @Override
    public long timestampSeconds() {
      return 0;
    }
  }

  static Expr compile(String json) throws Exception {
    return LogicCompiler.compile(new ObjectMapper().readTree(json),
        new CompileScope("bench", "rule-flag", "$.flags.rule-flag.targeting", Map.of(), FractionalHashing.v2()));
  }

  @Setup
  public void setUp() throws Exception {
    rule = compile("{\"if\": [{\"and\": [{\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}, "
        + "{\"==\": [{\"var\": \"tier\"}, \"gold\"]}]}, \"on\", \"off\"]}");
    endsWith = compile("{\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}");
    equals = compile("{\"==\": [{\"var\": \"tier\"}, \"gold\"]}");
    var = compile("{\"var\": \"email\"}");
    rollout = compile("{\"fractional\": [[\"on\", 50], [\"off\", 50]]}");
    semVer = compile("{\"sem_ver\": [{\"var\": \"version\"}, \"" + SEM_VER_OPERATOR + "\", \"" + SEM_VER_TARGET
        + "\"]}");
    Map<String, Object> values = new HashMap<>();
    values.put("email", "ada@example.com");
    values.put("tier", "gold");
    values.put("version", SEM_VER_VERSION);
    root = new MapRoot(values, "user-1@example.org");
    if (!Boolean.TRUE.equals(semVerProgressive()) || !Boolean.TRUE.equals(semVerSemver4j())) {
      throw new IllegalStateException("The two sem_ver implementations disagree on " + SEM_VER_VERSION + " "
          + SEM_VER_OPERATOR + " " + SEM_VER_TARGET);
    }
  }

  @Benchmark
  public Object rule() {
    return rule.eval(root);
  }

  @Benchmark
  public Object endsWith() {
    return endsWith.eval(root);
  }

  @Benchmark
  public Object equalsConstant() {
    return equals.eval(root);
  }

  @Benchmark
  public Object var() {
    return var.eval(root);
  }

  /** The hash alone: murmur3 of the targeting key after the prepared flag key. */
  @Benchmark
  public int murmurAfterPrefix() {
    return dev.progressive.toggles.bucketing.Murmur3.hash32(prefix, user);
  }

  @Benchmark
  public Object rollout() {
    return rollout.eval(root);
  }

  /** {@code sem_ver} of a context version against a constant, compiled by Progressive ({@code SemVerOp}). */
  @Benchmark
  public Object semVerProgressive() {
    return semVer.eval(root);
  }

  /**
   * The same comparison as flagd's Java provider makes it, with semver4j: the context's version parsed, the target
   * parsed once beforehand (flagd parses it on every evaluation), the same lookup of the attribute.
   */
  @Benchmark
  public Object semVerSemver4j() {
    return Semver4jSemVer.against(root.attribute("version"), SEM_VER_OPERATOR, semVerTarget);
  }
}
