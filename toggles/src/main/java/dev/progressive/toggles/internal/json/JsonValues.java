package dev.progressive.toggles.internal.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts JSON trees into the plain Java values that flags and rules work with. */
public final class JsonValues {

  private JsonValues() {}

  /**
   * A JSON value as Java: null, Boolean, String, Integer (or Long when it does not fit), Double, and unmodifiable
   * List and Map (in document order).
   */
  public static Object toJava(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToInt() ? (Object) n.intValue() : n.canConvertToLong() ? (Object) n.longValue()
          : (Object) n.doubleValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        list.add(toJava(e));
      }
      return Collections.unmodifiableList(list);
    }
    if (n.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(map);
    }
    return n.asText();
  }
}
