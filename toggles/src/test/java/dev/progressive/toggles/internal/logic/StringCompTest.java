package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code starts_with} and {@code ends_with}, with the expectations of flagd-testbed 3.9.0's string.feature. */
class StringCompTest {

  private static final String STARTS_ENDS = """
      {"if": [{"starts_with": [{"var": "id"}, "abc"]}, "prefix",
        {"if": [{"ends_with": [{"var": "id"}, "xyz"]}, "postfix", "none"]}]}""";

  private static Object eval(String rule, Map<String, ?> attributes) {
    return Rules.compile(rule).eval(TestRoot.of("f", null, attributes));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"abcdef, prefix", "uvwxyz, postfix", "abcxyz, prefix", "lmnopq, none"})
  void substringOperators(String id, String expected) {
    assertThat(eval(STARTS_ENDS, Map.of("id", id))).isEqualTo(expected);
  }

  @Test
  void nonStringInputGivesNullNotFalse() {
    assertThat(eval("{\"starts_with\": [{\"var\": \"num\"}, \"abc\"]}", Map.of("num", 123))).isNull();
    assertThat(eval("{\"ends_with\": [{\"var\": \"num\"}, \"xyz\"]}", Map.of("num", 123))).isNull();
    assertThat(eval("{\"ends_with\": [{\"var\": \"missing\"}, \"xyz\"]}", Map.of())).isNull();
    assertThat(eval("{\"ends_with\": [\"abc\", {\"var\": \"num\"}]}", Map.of("num", 123))).isNull();
  }

  @Test
  void wrongArgumentCountGivesNull() {
    assertThat(eval("{\"starts_with\": [\"abc\"]}", Map.of())).isNull();
    assertThat(eval("{\"ends_with\": [\"xyz\"]}", Map.of())).isNull();
    assertThat(eval("{\"ends_with\": [\"a\", \"b\", \"c\"]}", Map.of())).isNull();
  }

  @Test
  void answersBooleans() {
    assertThat(eval("{\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}", Map.of("email", "ada@example.com")))
        .isSameAs(Boolean.TRUE);
    assertThat(eval("{\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}", Map.of("email", "ada@elsewhere")))
        .isSameAs(Boolean.FALSE);
    assertThat(eval("{\"starts_with\": [{\"var\": \"email\"}, \"\"]}", Map.of("email", "x"))).isEqualTo(true);
  }
}
