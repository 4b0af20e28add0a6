package dev.progressive.spring.actuate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON body of one endpoint's write strictly, and hands it on as a flat object of strings, which is what
 * the actuator binds. Each refusal names the field and says what was wrong in its own words, never a JSON library's.
 */
final class WriteBodyReader {

  /** The JSON type a field must have. */
  enum Kind {
    /** A JSON string. */
    STRING("a string"),
    /** A whole number from 0. */
    WHOLE_NUMBER("a whole number from 0"),
    /** A JSON boolean. */
    BOOLEAN("true or false"),
    /**
     * An object of names to whole numbers from 0, handed on as its JSON text; a string holding such an object (the
     * form for JMX) is handed on as it is, for the endpoint to check.
     */
    WEIGHTS("an object of variant names to whole numbers, such as {\"on\": 20, \"off\": 80}");

    private final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** The body of {@code POST <base-path>/toggles/{key}}. */
  static final WriteBodyReader TOGGLES = new WriteBodyReader(fields(
      "state", Kind.STRING, "defaultVariant", Kind.STRING, "weights", Kind.WEIGHTS, "reason", Kind.STRING,
      "version", Kind.WHOLE_NUMBER));

  /** The body of {@code POST <base-path>/canaries/{name}}. */
  static final WriteBodyReader CANARIES = new WriteBodyReader(fields(
      "action", Kind.STRING, "reason", Kind.STRING, "fully", Kind.BOOLEAN));

  /** The body of {@code POST <base-path>/releases/{name}}. */
  static final WriteBodyReader RELEASES = new WriteBodyReader(fields(
      "action", Kind.STRING, "reason", Kind.STRING, "force", Kind.BOOLEAN));

  /** The largest write body read, in bytes; a larger one is refused without being read whole. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** The longest value quoted back in an error. */
  static final int QUOTE_LIMIT = 60;

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'$", Pattern.DOTALL);

  private final Map<String, Kind> fields;

  private WriteBodyReader(Map<String, Kind> fields) {
    this.fields = fields;
  }

  private static Map<String, Kind> fields(Object... pairs) {
    Map<String, Kind> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Kind) pairs[i + 1]);
    }
    return map;
  }

  /**
   * Checks a body and flattens it.
   *
   * @return the body as a JSON object of strings (a null value is left out, as if absent)
   * @throws BadBodyException naming what was wrong
   */
  byte[] read(byte[] body) {
    JsonNode root = parse(body);
    if (!(root instanceof ObjectNode object)) {
      throw new BadBodyException(null, "The body must be one JSON object with the fields " + fields.keySet()
          + ", was " + describe(root));
    }
    ObjectNode flat = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      Kind kind = fields.get(name);
      if (kind == null) {
        throw new BadBodyException(name, "Unknown field \"" + quote(name) + "\"; the fields are " + fields.keySet());
      }
      JsonNode value = field.getValue();
      if (value.isNull()) {
        continue;
      }
      flat.put(name, flatten(name, kind, value));
    }
    try {
      return STRICT.writeValueAsBytes(flat);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a flat object of strings", e);
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode root = STRICT.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new BadBodyException(null, "The body is empty; it must be one JSON object");
      }
      return root;
    } catch (JsonParseException e) {
      Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
      if (duplicate.matches()) {
        String name = duplicate.group(1);
        throw new BadBodyException(name, "Duplicate field \"" + quote(name) + "\"; give each field once");
      }
      throw new BadBodyException(null, "The body is not valid JSON" + where(e.getLocation()));
    } catch (IOException e) {
      JsonLocation location = e instanceof JsonProcessingException p ? p.getLocation() : null;
      throw new BadBodyException(null, "The body is not valid JSON" + where(location));
    }
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String flatten(String name, Kind kind, JsonNode value) {
    switch (kind) {
      case STRING -> {
        if (!value.isTextual()) {
          throw wrongType(name, kind, value);
        }
        return value.textValue();
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          throw wrongType(name, kind, value);
        }
        return Boolean.toString(value.booleanValue());
      }
      case WHOLE_NUMBER -> {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
          throw wrongType(name, kind, value);
        }
        return Long.toString(value.longValue());
      }
      case WEIGHTS -> {
        if (value.isTextual()) {
          return value.textValue();
        }
        if (!value.isObject()) {
          throw wrongType(name, kind, value);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> weight = it.next();
          JsonNode w = weight.getValue();
          if (!w.isIntegralNumber() || !w.canConvertToInt() || w.intValue() < 0) {
            String field = name + "." + weight.getKey();
            throw new BadBodyException(field, "\"" + quote(field) + "\" must be a whole number from 0 to "
                + Integer.MAX_VALUE + ", was " + describe(w));
          }
        }
        return value.toString();
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  private static BadBodyException wrongType(String name, Kind kind, JsonNode value) {
    return new BadBodyException(name, "\"" + name + "\" must be " + kind.description + ", was " + describe(value));
  }

  /** A JSON value as an error quotes it: short, and only its type when it is a container. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "an array";
    }
    if (value.isTextual()) {
      return "\"" + quote(value.textValue()) + "\"";
    }
    return quote(value.toString());
  }

  /**
   * A value from a request, fit to quote in an error: at most {@value #QUOTE_LIMIT} characters, control characters
   * written as {@code \\uXXXX}.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(value.length(), QUOTE_LIMIT);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > end) {
      out.append("… (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }

  /**
   * The reader for a write to a path, or null when the path is not under {@code <base>/toggles/},
   * {@code <base>/canaries/} or {@code <base>/releases/}.
   */
  static WriteBodyReader forPath(String base, String path) {
    if (path.startsWith(base + "/toggles/")) {
      return TOGGLES;
    }
    if (path.startsWith(base + "/canaries/")) {
      return CANARIES;
    }
    if (path.startsWith(base + "/releases/")) {
      return RELEASES;
    }
    return null;
  }

  /**
   * The answer to a refused body, shaped as the endpoints' own errors: {@code error}, the flag's {@code key} or the
   * canary's {@code name}, and {@code field} when one field is to blame.
   */
  static Map<String, Object> errorBody(BadBodyException e, String base, String path) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    for (String[] endpoint : new String[][] {{"/toggles/", "key"}, {"/canaries/", "name"},
        {"/releases/", "name"}}) {
      String prefix = base + endpoint[0];
      if (path.startsWith(prefix)) {
        String segment = path.substring(prefix.length()).replace("+", "%2B");
        body.put(endpoint[1], URLDecoder.decode(segment, StandardCharsets.UTF_8));
      }
    }
    if (e.field() != null) {
      body.put("field", e.field());
    }
    return body;
  }

  /** The base path without trailing slashes. */
  static String trimBase(String basePath) {
    String path = basePath;
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  /** A body that was refused: the caller's error, answered with 400. */
  static final class BadBodyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    BadBodyException(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }

    /** The field to blame, or null when the body as a whole is wrong. */
    String field() {
      return field;
    }
  }
}
