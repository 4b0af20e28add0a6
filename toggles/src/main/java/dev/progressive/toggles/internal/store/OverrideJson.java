package dev.progressive.toggles.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.toggles.store.FlagOverride;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form in which the JDBC store keeps a {@link FlagOverride}, and back. */
public final class OverrideJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OverrideJson() {}

  /** The override as a JSON object of its non-null parts. */
  public static String write(FlagOverride o) {
    ObjectNode n = JSON.createObjectNode();
    if (o.state() != null) {
      n.put("state", o.state());
    }
    if (o.defaultVariant() != null) {
      n.put("defaultVariant", o.defaultVariant());
    }
    if (o.weights() != null) {
      ObjectNode w = n.putObject("weights");
      o.weights().forEach(w::put);
    }
    if (o.definition() != null) {
      n.put("definition", o.definition());
    }
    return n.toString();
  }

  /**
   * The override that {@link #write} wrote.
   *
   * @throws IllegalStateException when the text is not such an override
   */
  public static FlagOverride read(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      Map<String, Integer> weights = null;
      if (n.hasNonNull("weights")) {
        weights = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.get("weights").properties()) {
          weights.put(e.getKey(), e.getValue().asInt());
        }
      }
      return new FlagOverride(text(n, "state"), text(n, "defaultVariant"), weights, text(n, "definition"));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("Cannot read a stored override: " + json, e);
    }
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }
}
