package dev.progressive.toggles.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one number rule of flags and rules: a whole number is an Integer when it fits an int, else a Long, else a
 * Double; other numbers are Doubles. The value decides, not the kind of node: the two classes this one replaces
 * disagreed on nodes whose kind does not match their size (a small big-integer or long node, a short node).
 */
class JsonValuesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Reads every whole number as a big-integer node and every fraction as a decimal node. */
  private static final ObjectMapper BIG = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  @ParameterizedTest(name = "{0} is {1} {2}")
  @CsvSource({
      "0, Integer, 0",
      "-2147483648, Integer, -2147483648",
      "2147483647, Integer, 2147483647",
      "2147483648, Long, 2147483648",
      "-2147483649, Long, -2147483649",
      "9223372036854775807, Long, 9223372036854775807",
      "9223372036854775808, Double, 9.223372036854775807E18",
      "-9223372036854775809, Double, -9.223372036854775809E18",
      "1.5, Double, 1.5",
      "5.0, Double, 5.0",
      "1e2, Double, 100.0"})
  void aNumberIsTheSameJavaValueWhateverNodeTheParserMadeOfIt(String text, String type, String expected)
      throws Exception {
    Object expectedValue = switch (type) {
      case "Integer" -> Integer.valueOf(expected);
      case "Long" -> Long.valueOf(expected);
      default -> Double.valueOf(expected);
    };
    String array = "[" + text + "]";
    List<JsonNode> nodes = new java.util.ArrayList<>(List.of(JSON.readTree(text), BIG.readTree(text),
        FlagSetParser.readTree("flags.json", array).get(0)));
    if (!text.contains("e")) { // YAML 1.1 reads 1e2 as text
      nodes.add(new YAMLMapper().readTree(array).get(0));
    }
    for (JsonNode node : nodes) {
      assertThat(JsonValues.toJava(node)).as("%s read as %s", text, node.getClass().getSimpleName())
          .isInstanceOf(expectedValue.getClass()).isEqualTo(expectedValue);
    }
  }

  @Test
  void aSmallNumberInABigNodeIsAnInteger() {
    // The logic package's old rule made Doubles of these, and a Long of a small long node.
    assertThat(JsonValues.toJava(BigIntegerNode.valueOf(BigInteger.valueOf(7)))).isEqualTo(7);
    assertThat(JsonValues.toJava(LongNode.valueOf(7L))).isEqualTo(7);
    assertThat(JsonValues.toJava(ShortNode.valueOf((short) 7))).isEqualTo(7);
    assertThat(JsonValues.toJava(IntNode.valueOf(7))).isEqualTo(7);
    assertThat(JsonValues.toJava(BigIntegerNode.valueOf(BigInteger.valueOf(Long.MAX_VALUE))))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aFractionIsADoubleInAnyNode() {
    assertThat(JsonValues.toJava(FloatNode.valueOf(0.5f))).isEqualTo(0.5d);
    assertThat(JsonValues.toJava(DecimalNode.valueOf(new BigDecimal("2.25")))).isEqualTo(2.25d);
    // A decimal node holding a whole number is still not an integral node: it stays a Double, as 5.0 does.
    assertThat(JsonValues.toJava(DecimalNode.valueOf(new BigDecimal("5.0")))).isEqualTo(5.0d);
  }

  @Test
  void containersAreUnmodifiableAndKeepDocumentOrder() throws Exception {
    Object value = JsonValues.toJava(JSON.readTree("{\"b\": [1, 2147483648, 1.5, null, true, \"x\"], \"a\": {}}"));
    assertThat(value).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<Object, Object> map = (Map<Object, Object>) value;
    assertThat(map.keySet()).containsExactly("b", "a");
    assertThat((List<Object>) map.get("b")).containsExactly(1, 2147483648L, 1.5d, null, true, "x");
    assertThat(map.get("a")).isEqualTo(Map.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> map.put("c", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullAndMissingAreNull() {
    assertThat(JsonValues.toJava(null)).isNull();
    assertThat(JsonValues.toJava(JSON.nullNode())).isNull();
    assertThat(JsonValues.toJava(JSON.missingNode())).isNull();
  }
}
