package dev.progressive.parallelrun.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a response with the primary's, as each route asks: the status, the route's headers, and the body, field by
 * field when both bodies are JSON (numbers read exactly), whole otherwise.
 */
final class ResponseComparison {

  private final ObjectMapper json = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();
  private final Map<String, StructuralDiff> diffs = new HashMap<>();

  ResponseComparison(List<ShadowRoute> routes) {
    for (ShadowRoute route : routes) {
      diffs.put(route.name(), StructuralDiff.of(route.diffOptions()));
    }
  }

  /**
   * Compares two responses: status, the route's headers, and the body (field by field when both are JSON).
   *
   * @param route the route, one of those given at construction
   * @param expected the primary's response
   * @param actual the other response
   * @return the differences, with paths such as {@code status}, {@code headers.content-type}, {@code body.items[0]}
   */
  List<Difference> compare(ShadowRoute route, ShadowResponse expected, ShadowResponse actual) {
    List<Difference> out = new ArrayList<>();
    if (expected.status() != actual.status()) {
      out.add(new Difference("status", expected.status(), actual.status()));
    }
    for (String header : route.comparedHeaders()) {
      String left = expected.header(header);
      String right = actual.header(header);
      if (!Objects.equals(left, right)) {
        out.add(new Difference("headers." + header, left == null ? Difference.ABSENT : left,
            right == null ? Difference.ABSENT : right));
      }
    }
    if (!Arrays.equals(expected.body(), actual.body())) {
      JsonNode left = parse(expected.body());
      JsonNode right = parse(actual.body());
      if (left != null && right != null) {
        for (Difference difference : diffs.get(route.name()).diff(left, right)) {
          out.add(difference.under("body"));
        }
      } else {
        out.add(new Difference("body", text(expected.body()), text(actual.body())));
      }
    }
    return out;
  }

  private JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
