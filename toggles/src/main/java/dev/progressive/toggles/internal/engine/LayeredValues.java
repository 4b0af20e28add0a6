package dev.progressive.toggles.internal.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.internal.json.JsonValues;
import dev.progressive.toggles.internal.definition.VariantType;
import java.util.Map;

/** Asks a {@link FlagValueLayer} for a flag's value and reads its text as the type asked for. */
final class LayeredValues {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final FlagValueLayer layer;

  LayeredValues(FlagValueLayer layer) {
    this.layer = layer;
  }

  /**
   * The layer's answer for a flag, or null when it has none.
   *
   * @param key the flag's key, not null
   * @param wanted the type asked for
   */
  EvaluationOutcome answer(String key, VariantType wanted) {
    String text;
    try {
      text = layer.value(key);
    } catch (RuntimeException e) { // a test's layer may throw; the evaluation still answers
      return EvaluationOutcome.error(key, ErrorCode.GENERAL, "the flag value layer failed for flag '" + key + "': " + e,
          Map.of(), null);
    }
    if (text == null) {
      return null;
    }
    Object value = read(text, wanted);
    if (value == null) {
      return EvaluationOutcome.error(key, ErrorCode.TYPE_MISMATCH, "flag '" + key + "': the value layer's value '" + text
          + "' is not " + article(wanted), Map.of(), null);
    }
    return EvaluationOutcome.variant(key, FlagValueLayer.VARIANT, value, Reason.STATIC, Map.of(), null);
  }

  /** The text as the type, or null when it is not one. */
  private static Object read(String text, VariantType type) {
    switch (type) {
      case BOOLEAN -> {
        return "true".equals(text) ? Boolean.TRUE : "false".equals(text) ? Boolean.FALSE : null;
      }
      case STRING -> {
        return text;
      }
      case INTEGER -> {
        try {
          long l = Long.parseLong(text.trim());
          return l == (int) l ? (Object) (int) l : (Object) l;
        } catch (NumberFormatException e) {
          return null;
        }
      }
      case FLOAT -> {
        try {
          double d = Double.parseDouble(text.trim());
          return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
          return null;
        }
      }
      case OBJECT -> {
        try {
          JsonNode node = JSON.readTree(text);
          return node != null && (node.isObject() || node.isArray()) ? JsonValues.toJava(node) : null;
        } catch (JacksonException e) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
  }

  private static String article(VariantType type) {
    return switch (type) {
      case BOOLEAN -> "a boolean (true or false)";
      case INTEGER -> "an integer";
      case FLOAT -> "a finite number";
      case OBJECT -> "a JSON object or array";
      default -> "a " + type.label();
    };
  }
}
