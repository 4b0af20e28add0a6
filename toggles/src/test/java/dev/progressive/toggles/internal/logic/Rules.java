package dev.progressive.toggles.internal.logic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.json.JsonValues;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: JSON in, compiled rules out, and a JSON-like comparison of values. */
final class Rules {

  static final ObjectMapper JSON = new ObjectMapper();

  private Rules() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompileScope scope(String flagKey, Map<String, String> evaluators) {
    Map<String, JsonNode> parsed = new LinkedHashMap<>();
    evaluators.forEach((name, rule) -> parsed.put(name, json(rule)));
    return new CompileScope("test.json", flagKey, "$.flags." + flagKey + ".targeting", parsed,
        FractionalHashing.v2());
  }

  static Expr compile(String rule) {
    return compile("f", rule);
  }

  static Expr compile(String flagKey, String rule) {
    return LogicCompiler.compile(json(rule), scope(flagKey, Map.of()));
  }

  /** The value of a JSON text, as rules see data. */
  static Object value(String text) {
    return JsonValues.toJava(json(text));
  }

  /** Unwraps a {@link Split}. */
  static Object plain(Object v) {
    return v instanceof Split s ? s.value() : v;
  }

  /** JSON equality: numbers by value whatever their Java type, lists and maps by content. */
  static boolean sameJson(Object actual, Object expected) {
    if (actual == null || expected == null) {
      return actual == expected;
    }
    if (actual instanceof Number a && expected instanceof Number e) {
      return Double.compare(a.doubleValue(), e.doubleValue()) == 0;
    }
    if (actual instanceof List<?> a && expected instanceof List<?> e) {
      if (a.size() != e.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameJson(a.get(i), e.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (actual instanceof Map<?, ?> a && expected instanceof Map<?, ?> e) {
      if (!a.keySet().equals(e.keySet())) {
        return false;
      }
      for (Object k : a.keySet()) {
        if (!sameJson(a.get(k), e.get(k))) {
          return false;
        }
      }
      return true;
    }
    return actual.equals(expected);
  }
}
