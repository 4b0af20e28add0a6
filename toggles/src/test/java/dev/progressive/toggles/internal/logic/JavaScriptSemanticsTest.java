package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** json-logic-js's JavaScript semantics beyond the official list. */
class JavaScriptSemanticsTest {

  private static Object eval(String rule) {
    return Rules.compile(rule).eval(null);
  }

  private static Object eval(String rule, Map<String, ?> data) {
    return Rules.compile(rule).eval(data);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "1|1", "1.0|1", "1.5|1.5", "-0.0|0", "0.1|0.1", "100|100", "1e21|1e+21", "1.5e21|1.5e+21", "1e20|100000000000000000000",
      "123456789012345680000|123456789012345680000", "0.000001|0.000001", "1e-7|1e-7", "1.25e-7|1.25e-7",
      "0.30000000000000004|0.30000000000000004", "9007199254740993|9007199254740992", "5e-324|5e-324",
      "1.7976931348623157e308|1.7976931348623157e+308", "123.456|123.456", "-2.5|-2.5"})
  void numbersPrintAsInJs(String literal, String printed) {
    assertThat(JavaScriptSemantics.formatDouble(Double.parseDouble(literal))).isEqualTo(printed);
  }

  @Test
  void catFormatsLikeJs() {
    assertThat(eval("{\"cat\": [1.0, \"|\", 1.5, \"|\", null, \"|\", true, \"|\", [1, [2, null]]]}"))
        .isEqualTo("1|1.5||true|1,2,");
    assertThat(eval("{\"cat\": [{\"+\": [0.1, 0.2]}]}")).isEqualTo("0.30000000000000004");
    assertThat(eval("{\"cat\": [{\"/\": [1, 0]}, {\"/\": [-1, 0]}, {\"/\": [0, 0]}]}"))
        .isEqualTo("Infinity-InfinityNaN");
    assertThat(JavaScriptSemantics.formatNumber(1.2f)).isEqualTo("1.2");
    assertThat(JavaScriptSemantics.formatNumber(12L)).isEqualTo("12");
  }

  @Test
  void arithmeticCoercions() {
    assertThat(eval("{\"+\": [\"1.5abc\", \" 2\"]}")).isEqualTo(3.5);
    assertThat((Double) eval("{\"+\": [\"abc\", 1]}")).isNaN();
    assertThat((Double) eval("{\"+\": [true, 1]}")).isNaN();
    assertThat(eval("{\"-\": [\"5\", true]}")).isEqualTo(4.0);
    assertThat(eval("{\"-\": [\"0x10\", null]}")).isEqualTo(16.0);
    assertThat(eval("{\"*\": [\"2\", \"3\"]}")).isEqualTo(6.0);
    assertThat(eval("{\"*\": [\"2\"]}")).isEqualTo("2");
    assertThat(eval("{\"/\": [1, 0]}")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat((Double) eval("{\"%\": [1, 0]}")).isNaN();
    assertThat(eval("{\"%\": [-7, 3]}")).isEqualTo(-1.0);
    assertThat(eval("{\"max\": []}")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(eval("{\"min\": [\"3\", 2, \"1\"]}")).isEqualTo(1.0);
    assertThat((Double) eval("{\"max\": [1, \"x\"]}")).isNaN();
    assertThat(eval("{\"+\": []}")).isEqualTo(0.0);
    assertThat(eval("{\"*\": []}")).isNull();
  }

  @Test
  void looseEquality() {
    Map<String, Object> data = new HashMap<>();
    data.put("empty", List.of());
    data.put("one", List.of(1));
    data.put("nil", null);
    assertThat(eval("{\"==\": [null, 0]}")).isEqualTo(false);
    assertThat(eval("{\"==\": [null, null]}")).isEqualTo(true);
    assertThat(eval("{\"==\": [\"\", 0]}")).isEqualTo(true);
    assertThat(eval("{\"==\": [\"1\", true]}")).isEqualTo(true);
    assertThat(eval("{\"==\": [\"true\", true]}")).isEqualTo(false);
    assertThat(eval("{\"==\": [1, 1.0]}")).isEqualTo(true);
    assertThat(eval("{\"===\": [1, 1.0]}")).isEqualTo(true);
    assertThat(eval("{\"===\": [true, 1]}")).isEqualTo(false);
    assertThat(eval("{\"==\": [{\"var\": \"empty\"}, false]}", data)).isEqualTo(true);
    assertThat(eval("{\"==\": [{\"var\": \"one\"}, 1]}", data)).isEqualTo(true);
    assertThat(eval("{\"==\": [{\"var\": \"one\"}, \"1\"]}", data)).isEqualTo(true);
    assertThat(eval("{\"==\": [{\"var\": \"one\"}, {\"var\": \"one\"}]}", data)).isEqualTo(true);
    assertThat(eval("{\"==\": [{\"var\": \"one\"}, [1]]}", data)).isEqualTo(false);
    assertThat(eval("{\"==\": [{\"var\": \"nil\"}, false]}", data)).isEqualTo(false);
    assertThat(eval("{\"!=\": [{\"var\": \"nil\"}, \"x\"]}", data)).isEqualTo(true);
    assertThat(eval("{\"!==\": [{\"var\": \"one\"}, \"x\"]}", data)).isEqualTo(true);
    assertThat(eval("{\"==\": [{\"var\": \"x\"}, true]}", Map.of("x", "1"))).isEqualTo(true);
    assertThat(eval("{\"===\": [{\"var\": \"x\"}, \"1\"]}", Map.of("x", 1))).isEqualTo(false);
  }

  @Test
  void relationalComparisons() {
    assertThat(eval("{\"<\": [\"10\", \"9\"]}")).isEqualTo(true);
    assertThat(eval("{\"<\": [\"10\", 9]}")).isEqualTo(false);
    assertThat(eval("{\"<\": [null, 1]}")).isEqualTo(true);
    assertThat(eval("{\"<\": [\"a\", 1]}")).isEqualTo(false);
    assertThat(eval("{\">=\": [\"a\", 1]}")).isEqualTo(false);
    assertThat(eval("{\"<=\": [1, 1, 1]}")).isEqualTo(true);
    assertThat(eval("{\"<\": [1]}")).isEqualTo(false);
    assertThat(eval("{\"<\": [{\"var\": \"x\"}, 5, 10]}", Map.of("x", 4))).isEqualTo(true);
    assertThat(eval("{\"<\": [{\"var\": \"x\"}, 5, 10]}", Map.of("x", 5))).isEqualTo(false);
  }

  @Test
  void truthiness() {
    assertThat(eval("{\"!!\": [{\"var\": \"m\"}]}", Map.of("m", Map.of()))).isEqualTo(true);
    assertThat(eval("{\"!!\": [\"0\"]}")).isEqualTo(true);
    assertThat(eval("{\"!!\": [0.0]}")).isEqualTo(false);
    assertThat(eval("{\"!!\": [{\"/\": [0, 0]}]}")).isEqualTo(false);
    assertThat(eval("{\"!\": []}")).isEqualTo(true);
    assertThat(eval("{\"and\": []}")).isNull();
    assertThat(eval("{\"or\": []}")).isNull();
  }

  @Test
  void inAndSubstr() {
    assertThat(eval("{\"in\": [1, \"a1\"]}")).isEqualTo(true);
    assertThat(eval("{\"in\": [\"\", \"\"]}")).isEqualTo(false);
    assertThat(eval("{\"in\": [\"a\", {\"var\": \"m\"}]}", Map.of("m", Map.of("a", 1)))).isEqualTo(false);
    assertThat(eval("{\"in\": [1, [1.0, 2]]}")).isEqualTo(true);
    assertThat(eval("{\"in\": [\"1\", [1, 2]]}")).isEqualTo(false);
    assertThat(eval("{\"substr\": [\"jsonlogic\", 20]}")).isEqualTo("");
    assertThat(eval("{\"substr\": [\"jsonlogic\", -20, 4]}")).isEqualTo("json");
    assertThat(eval("{\"substr\": [\"jsonlogic\", 2, -20]}")).isEqualTo("");
    assertThat(eval("{\"substr\": [12345, 1, 2]}")).isEqualTo("23");
    assertThat(eval("{\"substr\": [\"jsonlogic\", 1, null]}")).isEqualTo("");
  }

  @Test
  void iterationEdgeCases() {
    assertThat(eval("{\"all\": [[], true]}")).isEqualTo(false);
    assertThat(eval("{\"all\": [null, true]}")).isEqualTo(false);
    assertThat(eval("{\"none\": [\"abc\", true]}")).isEqualTo(true);
    assertThat(eval("{\"some\": [[0, 0, 1], {\"var\": \"\"}]}")).isEqualTo(true);
    assertThat(eval("{\"reduce\": [[1, 2], {\"cat\": [{\"var\": \"accumulator\"}, {\"var\": \"current\"}]}]}"))
        .isEqualTo("12");
    assertThat(eval("{\"map\": [{\"var\": \"xs\"}, {\"+\": [{\"var\": \"\"}, 1]}]}", Map.of("xs", "nope")))
        .isEqualTo(List.of());
  }

  @Test
  void constantsAreFolded() {
    assertThat(Rules.compile("{\"==\": [1, 1]}").isConstant()).isTrue();
    assertThat(Rules.compile("{\"cat\": [\"a\", {\"+\": [1, 2]}]}").eval(null)).isEqualTo("a3");
    assertThat(Rules.compile("{\"cat\": [\"a\", {\"+\": [1, 2]}]}").isConstant()).isTrue();
    assertThat(Rules.compile("{\"if\": [false, {\"var\": \"x\"}, \"b\"]}").isConstant()).isTrue();
    assertThat(Rules.compile("{\"==\": [{\"var\": \"x\"}, 1]}").isConstant()).isFalse();
    assertThat(Rules.compile("{\"log\": \"x\"}").isConstant()).isFalse();
    assertThat(Rules.compile("{\"merge\": [[1], [2]]}").eval(null)).isEqualTo(List.of(1, 2));
  }

  @Test
  void logReturnsItsArgument() {
    assertThat(eval("{\"log\": [\"apple\"]}")).isEqualTo("apple");
  }
}
