package dev.progressive.benchmarks.toggles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.benchmarks.toggles.RuleBreakdownBenchmark.MapRoot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Why Progressive keeps its own {@code sem_ver} rather than semver4j (which flagd's Java provider uses): the cases of
 * flagd-testbed's semver.feature (the conformance suite the toggles module runs), evaluated by both. Progressive's
 * answers all agree with the suite; semver4j's strict parsing refuses the upper-case {@code V} prefix, partial versions
 * ({@code "1.0"}, {@code "1"}) and numeric context values, which the suite expects to match.
 */
class SemVerReferenceTest {

  /** version, operator, target, and the answer the suite expects: true, false, or null for the default variant. */
  private record Case(Object version, String operator, String target, Boolean expected) {
    @Override
    public String toString() {
      return version + " (" + version.getClass().getSimpleName() + ") " + operator + " " + target;
    }
  }

  private static final List<Case> SUITE = List.of(
      // Numeric comparison
      new Case("2.0.0", "=", "2.0.0", true), new Case("2.1.0", ">", "2.0.0", true),
      new Case("1.9.0", "<", "2.0.0", true), new Case("2.0.0-alpha", "<", "2.0.0", true),
      new Case("2.0.0.0", "=", "2.0.0", null),
      // Semantic comparison (minor/major range)
      new Case("3.0.1", "~", "3.0.0", true), new Case("3.1.0", "~", "3.0.0", false),
      new Case("3.1.0", "^", "3.0.0", true), new Case("4.0.0", "^", "3.0.0", false),
      // Invalid input falls back
      new Case("not-a-version", "=", "1.0.0", null), new Case("1.0.0", "===", "1.0.0", null),
      // v-prefix handling
      new Case("1.0.0", "=", "v1.0.0", true), new Case("v1.0.0", "=", "v1.0.0", true),
      new Case("V1.0.0", "=", "v1.0.0", true), new Case("2.0.0", "=", "v1.0.0", false),
      // partial version string handling
      new Case("1.5.0", "^", "1", true), new Case("1.0.0", "^", "1", true), new Case("1.0", "^", "1", true),
      new Case("1", "^", "1", true), new Case(1, "^", "1", true), new Case(1.0f, "^", "1", true),
      new Case(1.2f, "^", "1", true), new Case("2.0.0", "^", "1", false),
      // numeric context value coercion
      new Case(1.2f, ">", "1.1", true), new Case(1.1f, ">", "1.1", false), new Case(2, ">", "1.1", true),
      new Case(1, ">", "1.1", false), new Case("1.2", ">", "1.1", true),
      // build metadata ignored in comparison
      new Case("1.0.0", "=", "1.0.0+build", true), new Case("1.0.0+other", "=", "1.0.0+build", true),
      new Case("2.0.0", "=", "1.0.0+build", false));

  private static Object progressive(Case c) throws Exception {
    Map<String, Object> values = new HashMap<>();
    values.put("version", c.version());
    return RuleBreakdownBenchmark.compile("{\"sem_ver\": [{\"var\": \"version\"}, \"" + c.operator() + "\", \""
        + c.target() + "\"]}").eval(new MapRoot(values, "user"));
  }

  @Test
  void progressiveGivesEveryAnswerOfTheConformanceSuite() throws Exception {
    for (Case c : SUITE) {
      assertThat(progressive(c)).as(c.toString()).isEqualTo(c.expected());
    }
  }

  @Test
  void semver4jAsFlagdUsesItFailsTheVPrefixPartialAndNumericCases() {
    List<String> wrong = new ArrayList<>();
    for (Case c : SUITE) {
      Boolean answer = Semver4jSemVer.evaluate(c.version(), c.operator(), c.target());
      if (!sameVariant(answer, c.expected())) {
        wrong.add(c.toString());
      }
    }
    assertThat(wrong).containsExactly(
        "V1.0.0 (String) = v1.0.0",
        "1.5.0 (String) ^ 1", "1.0.0 (String) ^ 1", "1.0 (String) ^ 1", "1 (String) ^ 1", "1 (Integer) ^ 1",
        "1.0 (Float) ^ 1", "1.2 (Float) ^ 1",
        "1.2 (Float) > 1.1", "2 (Integer) > 1.1", "1.2 (String) > 1.1");
  }

  /**
   * Whether an answer picks the variant the suite expects: its {@code false} cases sit in an {@code if}, where null
   * and false both take the else branch; its null cases are bare rules, where only null gives the default variant.
   */
  private static boolean sameVariant(Boolean answer, Boolean expected) {
    return expected == null ? answer == null : Boolean.TRUE.equals(answer) == expected;
  }

  @Test
  void bothAgreeOnTheBenchmarkedComparison() throws Exception {
    Case benchmarked = new Case(RuleBreakdownBenchmark.SEM_VER_VERSION, RuleBreakdownBenchmark.SEM_VER_OPERATOR,
        RuleBreakdownBenchmark.SEM_VER_TARGET, true);
    assertThat(progressive(benchmarked)).isEqualTo(true);
    assertThat(Semver4jSemVer.evaluate(benchmarked.version(), benchmarked.operator(), benchmarked.target()))
        .isEqualTo(true);
  }
}
