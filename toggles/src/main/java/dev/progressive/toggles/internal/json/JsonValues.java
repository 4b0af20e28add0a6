package dev.progressive.toggles.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JSON trees into the plain Java values that flags (variants, metadata) and rules (literals) work with. One
 * rule for numbers, decided by the value and never by the kind of node that holds it: a whole number is an Integer
 * when it fits an int, else a Long when it fits a long, else a Double (as JavaScript holds it); any other number is a
 * Double. So {@code 5} is the same Integer whether the parser made an int, a long or a big-integer node of it.
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * A JSON value as Java: null, Boolean, String, Integer, Long or Double by the rule above, and unmodifiable List and
   * Map (in document order).
   */
  public static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? Boolean.TRUE : Boolean.FALSE;
    }
    if (node.isIntegralNumber()) {
      if (node.canConvertToInt()) {
        return node.intValue();
      }
      return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        list.add(toJava(element));
      }
      return Collections.unmodifiableList(list);
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(map);
    }
    return node.asText();
  }
}
