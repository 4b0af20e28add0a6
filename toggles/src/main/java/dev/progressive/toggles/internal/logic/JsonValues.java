package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns JSON literals into the values that flow through {@link Expr}s. */
final class JsonValues {

  private JsonValues() {}

  /**
   * The value of a JSON node: null, Boolean, String, Integer, Long or Double (other numbers as Double, as JS holds
   * them), and unmodifiable List and Map.
   */
  static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? Boolean.TRUE : Boolean.FALSE;
    }
    if (node.isNumber()) {
      if (node.isInt()) {
        return node.intValue();
      }
      if (node.isLong()) {
        return node.longValue();
      }
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
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(map);
    }
    return node.asText();
  }

  /** A value computed at compile time, made safe to share: lists and maps become unmodifiable copies. */
  static Object freeze(Object value) {
    if (value instanceof List<?> list) {
      return Collections.unmodifiableList(new ArrayList<>(list));
    }
    if (value instanceof Map<?, ?> map) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
    return value;
  }
}
