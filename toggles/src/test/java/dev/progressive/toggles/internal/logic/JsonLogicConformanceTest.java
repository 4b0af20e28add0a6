package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.internal.json.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the official JsonLogic test list (published with jsonlogic.com, see the NOTICE in the test resources) through
 * the compiler: each case as plain data, and again as {@link RootData} when its data is an object.
 */
class JsonLogicConformanceTest {

  private static final String TESTS = "/conformance/jsonlogic/tests.json";

  private static JsonNode cases() throws IOException {
    try (InputStream in = JsonLogicConformanceTest.class.getResourceAsStream(TESTS)) {
      assertThat(in).as(TESTS).isNotNull();
      return Rules.JSON.readTree(in);
    }
  }

  @TestFactory
  List<DynamicTest> officialTests() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    String section = "";
    int number = 0;
    for (JsonNode entry : cases()) {
      if (entry.isTextual()) {
        section = entry.textValue();
        continue;
      }
      number++;
      JsonNode rule = entry.get(0);
      Object data = JsonValues.toJava(entry.get(1));
      Object expected = JsonValues.toJava(entry.get(2));
      String name = "#" + number + " " + rule + " on " + entry.get(1) + " -> " + entry.get(2);
      String where = section;
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Expr compiled = LogicCompiler.compile(rule, Rules.scope("f", Map.of()));
        Object actual = Rules.plain(compiled.eval(data));
        assertThat(Rules.sameJson(actual, expected)).as("%s: %s gave %s", where, name, actual).isTrue();
        if (data instanceof Map<?, ?> map) {
          Object onRoot = Rules.plain(compiled.eval(TestRoot.of("f", null, castMap(map))));
          if (!(onRoot instanceof RootData)) {
            assertThat(Rules.sameJson(onRoot, expected)).as("%s: %s on RootData gave %s", where, name, onRoot)
                .isTrue();
          }
        }
      }));
    }
    return tests;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> castMap(Map<?, ?> map) {
    return (Map<String, ?>) map;
  }

  @Test
  void theWholeListIsThere() throws IOException {
    int count = 0;
    for (JsonNode entry : cases()) {
      if (entry.isArray()) {
        count++;
      }
    }
    assertThat(count).isGreaterThan(250);
  }
}
