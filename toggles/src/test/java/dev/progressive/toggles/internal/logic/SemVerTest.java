package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sem_ver}, with the expectations of flagd-testbed 3.9.0's semver.feature. */
class SemVerTest {

  private static Object eval(String rule, Object version) {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("version", version);
    return Rules.compile("semver", rule).eval(TestRoot.of("semver", null, attributes));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"2.0.0, equal", "2.1.0, greater", "1.9.0, lesser", "2.0.0-alpha, lesser", "2.0.0.0, none"})
  void numericComparison(String version, String expected) {
    String rule = """
        {"if": [{"sem_ver": [{"var": "version"}, "=", "2.0.0"]}, "equal",
          {"if": [{"sem_ver": [{"var": "version"}, ">", "2.0.0"]}, "greater",
            {"if": [{"sem_ver": [{"var": "version"}, "<", "2.0.0"]}, "lesser", "none"]}]}]}""";
    assertThat(eval(rule, version)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"3.0.1, minor", "3.1.0, major", "4.0.0, none"})
  void majorMinorRange(String version, String expected) {
    String rule = """
        {"if": [{"sem_ver": [{"var": "version"}, "~", "3.0.0"]}, "minor",
          {"if": [{"sem_ver": [{"var": "version"}, "^", "3.0.0"]}, "major", "none"]}]}""";
    assertThat(eval(rule, version)).isEqualTo(expected);
  }

  @Test
  void invalidVersionOrOperatorGivesNull() {
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0\"]}", "not-a-version")).isNull();
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"===\", \"1.0.0\"]}", "1.0.0")).isNull();
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"=\"]}", "1.0.0")).isNull();
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0\"]}", null)).isNull();
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0\"]}", true)).isNull();
    assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"banana\"]}", "1.0.0")).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"1.0.0, match", "v1.0.0, match", "V1.0.0, match", "2.0.0, no-match"})
  void vPrefix(String version, String expected) {
    String rule = "{\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"v1.0.0\"]}, \"match\", \"no-match\"]}";
    assertThat(eval(rule, version)).isEqualTo(expected);
  }

  @Test
  void partialVersions() {
    String rule = "{\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \"^\", \"1\"]}, \"match\", \"no-match\"]}";
    for (Object v : new Object[] {"1.5.0", "1.0.0", "1.0", "1", 1, 1.0, 1.2}) {
      assertThat(eval(rule, v)).as("%s (%s)", v, v.getClass().getSimpleName()).isEqualTo("match");
    }
    assertThat(eval(rule, "2.0.0")).isEqualTo("no-match");
  }

  @Test
  void numericContextValues() {
    String rule = "{\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \">\", \"1.1\"]}, \"match\", \"no-match\"]}";
    assertThat(eval(rule, 1.2)).isEqualTo("match");
    assertThat(eval(rule, 1.1)).isEqualTo("no-match");
    assertThat(eval(rule, 2)).isEqualTo("match");
    assertThat(eval(rule, 1)).isEqualTo("no-match");
    assertThat(eval(rule, "1.2")).isEqualTo("match");
    assertThat(eval(rule, 1.2f)).isEqualTo("match");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"1.0.0, match", "1.0.0+other, match", "2.0.0, no-match"})
  void buildMetadataIsIgnored(String version, String expected) {
    String rule =
        "{\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0+build\"]}, \"match\", \"no-match\"]}";
    assertThat(eval(rule, version)).isEqualTo(expected);
  }

  @Test
  void preReleasePrecedenceOfTheSemVerSpec() {
    String[] ordered = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"};
    for (int i = 0; i < ordered.length; i++) {
      for (int j = 0; j < ordered.length; j++) {
        String dynamic = "{\"sem_ver\": [{\"var\": \"version\"}, \"<\", {\"var\": \"other\"}]}";
        Map<String, Object> attributes = Map.of("version", ordered[i], "other", ordered[j]);
        Object both = Rules.compile(dynamic).eval(TestRoot.of("f", null, attributes));
        Object constant = eval("{\"sem_ver\": [{\"var\": \"version\"}, \"<\", \"" + ordered[j] + "\"]}", ordered[i]);
        assertThat(both).as("%s < %s", ordered[i], ordered[j]).isEqualTo(i < j);
        assertThat(constant).as("%s < %s", ordered[i], ordered[j]).isEqualTo(i < j);
      }
    }
  }

  @Test
  void everyOperator() {
    String[][] cases = {
        {"1.2.3", "=", "1.2.3", "true"}, {"1.2.3", "!=", "1.2.3", "false"}, {"1.2.3", "!=", "1.2.4", "true"},
        {"1.2.3", "<", "1.2.4", "true"}, {"1.2.3", "<=", "1.2.3", "true"}, {"1.2.4", "<=", "1.2.3", "false"},
        {"1.2.4", ">", "1.2.3", "true"}, {"1.2.3", ">=", "1.2.3", "true"}, {"1.2.2", ">=", "1.2.3", "false"},
        {"1.9.9", "^", "1.0.0", "true"}, {"2.0.0", "^", "1.0.0", "false"}, {"1.2.9", "~", "1.2.0", "true"},
        {"1.3.0", "~", "1.2.0", "false"}};
    for (String[] c : cases) {
      assertThat(eval("{\"sem_ver\": [{\"var\": \"version\"}, \"" + c[1] + "\", \"" + c[2] + "\"]}", c[0]))
          .as(String.join(" ", c)).isEqualTo(Boolean.valueOf(c[3]));
    }
  }

  @Test
  void malformedVersionsAreRefused() {
    String rule = "{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0\"]}";
    for (String bad : new String[] {"", "v", "1.", "1..0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0-a..b",
        "1.0.0-a_b", " 1.0.0", "1.0.0.0", "-1.0.0", "1.0.0 "}) {
      assertThat(eval(rule, bad)).as("'%s'", bad).isNull();
    }
  }

  @Test
  void constantOperandsAreFolded() {
    Expr folded = Rules.compile("{\"sem_ver\": [\"1.0.0\", \"<\", \"2.0.0\"]}");
    assertThat(folded.isConstant()).isTrue();
    assertThat(folded.eval(null)).isEqualTo(true);
  }
}
