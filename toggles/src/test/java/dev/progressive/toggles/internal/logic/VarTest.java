package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code var} and the data: root data, {@code $flagd}, targeting key, paths into maps and lists. */
class VarTest {

  private static final Map<String, Object> ATTRIBUTES = Map.of(
      "tier", "gold",
      "user", Map.of("name", "ada", "roles", List.of("admin", "dev")),
      "count", 3);

  private static final RootData ROOT =
      new TestRoot("user-42", ATTRIBUTES, "my-flag", 1_234_567L);

  private static Object eval(String rule) {
    return Rules.compile("my-flag", rule).eval(ROOT);
  }

  @Test
  void readsAttributesAndPaths() {
    assertThat(eval("{\"var\": \"tier\"}")).isEqualTo("gold");
    assertThat(eval("{\"var\": \"user.name\"}")).isEqualTo("ada");
    assertThat(eval("{\"var\": \"user.roles.1\"}")).isEqualTo("dev");
    assertThat(eval("{\"var\": \"user.roles.length\"}")).isEqualTo(2);
    assertThat(eval("{\"var\": \"user.roles.01\"}")).isNull();
    assertThat(eval("{\"var\": \"user.missing\"}")).isNull();
    assertThat(eval("{\"var\": [\"user.missing\", \"dflt\"]}")).isEqualTo("dflt");
    assertThat(eval("{\"var\": [\"nope\", {\"var\": \"tier\"}]}")).isEqualTo("gold");
    assertThat(eval("{\"var\": [{\"cat\": [\"ti\", \"er\"]}]}")).isEqualTo("gold");
  }

  @Test
  void presentNullIsNotReplacedByTheDefault() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThat(Rules.compile("{\"var\": [\"a\", 5]}").eval(withNull)).isNull();
    assertThat(Rules.compile("{\"var\": [\"b\", 5]}").eval(withNull)).isEqualTo(5);
    assertThat(Rules.compile("{\"var\": [\"a.b\", 5]}").eval(withNull)).isEqualTo(5);
  }

  @Test
  void targetingKey() {
    assertThat(eval("{\"var\": \"targetingKey\"}")).isEqualTo("user-42");
    assertThat(Rules.compile("{\"var\": \"targetingKey\"}").eval(TestRoot.of("f", null, Map.of()))).isNull();
  }

  @Test
  void flagdProperties() {
    Expr flagKey = Rules.compile("my-flag", "{\"var\": \"$flagd.flagKey\"}");
    assertThat(flagKey.isConstant()).isTrue();
    assertThat(flagKey.eval(ROOT)).isEqualTo("my-flag");
    assertThat(eval("{\"var\": \"$flagd.timestamp\"}")).isEqualTo(1_234_567L);
    assertThat(eval("{\"var\": \"$flagd\"}")).isEqualTo(Map.of("flagKey", "my-flag", "timestamp", 1_234_567L));
    assertThat(eval("{\"var\": [{\"cat\": [\"$flagd.\", \"flagKey\"]}]}")).isEqualTo("my-flag");
    assertThat(eval("{\">\": [{\"var\": \"$flagd.timestamp\"}, 1000]}")).isEqualTo(true);
  }

  @Test
  void insideIterationTheDataIsTheElement() {
    assertThat(eval("{\"map\": [{\"var\": \"user.roles\"}, {\"cat\": [{\"var\": \"\"}, \"!\"]}]}"))
        .isEqualTo(List.of("admin!", "dev!"));
    RootData withItems = new TestRoot(null, Map.of("items", List.of(Map.of("$flagd", Map.of("flagKey", "inner")))),
        "my-flag", 0);
    assertThat(Rules.compile("my-flag", "{\"map\": [{\"var\": \"items\"}, {\"var\": \"$flagd.flagKey\"}]}")
        .eval(withItems)).isEqualTo(List.of("inner"));
    assertThat(eval("{\"some\": [{\"var\": \"user.roles\"}, {\"==\": [{\"var\": \"\"}, \"dev\"]}]}"))
        .isEqualTo(true);
  }

  @Test
  void missingOnRootData() {
    assertThat(eval("{\"missing\": [\"tier\", \"user.name\", \"nope\", \"user.nope\"]}"))
        .isEqualTo(List.of("nope", "user.nope"));
    assertThat(eval("{\"missing_some\": [1, [\"tier\", \"nope\"]]}")).isEqualTo(List.of());
  }

  @Test
  void scalarAndListDataAtTheTop() {
    assertThat(Rules.compile("{\"var\": \"\"}").eval(7)).isEqualTo(7);
    assertThat(Rules.compile("{\"var\": 1}").eval(List.of("a", "b"))).isEqualTo("b");
    assertThat(Rules.compile("{\"var\": \"length\"}").eval("abc")).isEqualTo(3);
    assertThat(Rules.compile("{\"var\": \"x\"}").eval(5)).isNull();
  }
}
