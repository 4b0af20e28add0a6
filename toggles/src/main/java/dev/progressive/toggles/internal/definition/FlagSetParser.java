package dev.progressive.toggles.internal.definition;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.json.JsonValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads flagd-format documents, JSON or YAML, and validates everything that can be checked without compiling the
 * targeting: states, variants and their types, default variants, metadata. Every error is a
 * {@link FlagDefinitionException} that names the origin, the flag and the JSON path.
 */
public final class FlagSetParser {

  private static final int MAX_NESTING = 200;
  /** The longest YAML document, in characters: SnakeYAML's own limit, checked before the scan starts. */
  public static final int MAX_YAML_CHARS = 3 * 1024 * 1024;
  /** The longest JSON document, in characters, checked before parsing starts. */
  public static final int MAX_JSON_CHARS = 16 * 1024 * 1024;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();
  private static final ObjectMapper YAML;

  static {
    JSON.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).maxDocumentLength(MAX_JSON_CHARS)
            .maxStringLength(MAX_JSON_CHARS).build());
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_YAML_CHARS);
    YAMLFactory yamlFactory = YAMLFactory.builder().loaderOptions(options).build();
    yamlFactory.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    YAML = new YAMLMapper(yamlFactory).enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  }

  private FlagSetParser() {}

  /** Whether a document should be read as YAML: by its name, or, when the name says nothing, by its content. */
  static boolean looksLikeYaml(String origin, String content) {
    String lower = origin == null ? "" : origin.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return true;
    }
    if (lower.endsWith(".json")) {
      return false;
    }
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c != '{' && c != '[';
      }
    }
    return false;
  }

  /**
   * A parser's message without the parser's own internals: Jackson names the setting behind a limit (", from
   * `StreamReadConstraints.getMaxNestingDepth()`") and may append a source description; a person fixing a flag file
   * needs neither.
   */
  static String plain(String message) {
    if (message == null) {
      return "unreadable";
    }
    String text = message.replaceAll(", from `[^`]*`", "");
    int source = text.indexOf("\n at [Source");
    if (source >= 0) {
      text = text.substring(0, source);
    }
    source = text.indexOf(" (Source: ");
    if (source < 0) {
      source = text.indexOf("Source: REDACTED");
    }
    if (source >= 0) {
      text = text.substring(0, source);
    }
    return text.strip();
  }

  /** Reads a document into a JSON tree, JSON or YAML by {@link #looksLikeYaml}. */
  public static JsonNode readTree(String origin, String content) {
    if (content == null) {
      throw new FlagDefinitionException(origin, null, null, "the document is empty");
    }
    boolean yaml = looksLikeYaml(origin, content);
    // Checked before the scan: SnakeYAML checks its own limit only as it goes, after minutes on a huge scalar.
    int max = yaml ? MAX_YAML_CHARS : MAX_JSON_CHARS;
    if (content.length() > max) {
      throw new FlagDefinitionException(origin, null, "$", "the " + (yaml ? "YAML" : "JSON") + " document has "
          + content.length() + " characters, more than the limit of " + max);
    }
    try {
      JsonNode root = (yaml ? YAML : JSON).readTree(content);
      if (root == null || root.isMissingNode()) {
        throw new FlagDefinitionException(origin, null, "$", "the document is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new FlagDefinitionException(origin, null, null,
          "not valid " + (yaml ? "YAML" : "JSON") + where + ": " + plain(e.getOriginalMessage()), e);
    } catch (RuntimeException e) {
      // YAML's scanner reports some malformed input with its own unchecked exceptions.
      throw new FlagDefinitionException(origin, null, null,
          "not valid " + (yaml ? "YAML" : "JSON") + ": " + plain(e.getMessage()), e);
    } catch (StackOverflowError e) {
      throw new FlagDefinitionException(origin, null, null, "the document is nested too deeply", null);
    }
  }

  /** Parses and validates a whole document. */
  public static FlagSetDocument parse(String origin, String content) {
    return parse(origin, readTree(origin, content));
  }

  /** Validates a document already read into a tree; the first invalid flag refuses it. */
  public static FlagSetDocument parse(String origin, JsonNode root) {
    return parse(origin, root, null);
  }

  /**
   * Validates a document already read into a tree, flag by flag.
   *
   * @param invalid where the error of each invalid flag goes, by key, while the document keeps the valid ones; null
   *     to throw the first
   * @throws FlagDefinitionException when the document itself is invalid: not an object, no {@code "flags"} object,
   *     invalid set metadata or {@code $evaluators}
   */
  public static FlagSetDocument parse(String origin, JsonNode root, Map<String, FlagDefinitionException> invalid) {
    if (!root.isObject()) {
      throw new FlagDefinitionException(origin, null, "$", "a flag document must be an object with \"flags\", found "
          + describe(root));
    }
    JsonNode flags = root.get("flags");
    if (flags == null) {
      throw new FlagDefinitionException(origin, null, "$", "missing \"flags\"");
    }
    if (!flags.isObject()) {
      throw new FlagDefinitionException(origin, null, "$.flags", "\"flags\" must be an object, found "
          + describe(flags));
    }
    Map<String, Object> setMetadata = metadata(origin, null, "$.metadata", root.get("metadata"));
    Map<String, JsonNode> evaluators = evaluators(origin, root.get("$evaluators"));

    Map<String, FlagDefinition> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : flags.properties()) {
      // Interned: code names flags with literals, so the snapshot's lookup finds the very same instance.
      String key = e.getKey().intern();
      try {
        parsed.put(key, flag(origin, key, e.getValue()));
      } catch (FlagDefinitionException invalidFlag) {
        if (invalid == null) {
          throw invalidFlag;
        }
        invalid.put(key, invalidFlag);
      }
    }
    return new FlagSetDocument(origin, Collections.unmodifiableMap(parsed), setMetadata, evaluators);
  }

  /** Validates one flag's definition, e.g. one that ops submit to replace a flag. */
  public static FlagDefinition flag(String origin, String key, JsonNode node) {
    String path = "$.flags." + key;
    if (key.isEmpty()) {
      throw new FlagDefinitionException(origin, key, path, "a flag key must not be empty");
    }
    if (!node.isObject()) {
      throw new FlagDefinitionException(origin, key, path, "a flag must be an object, found " + describe(node));
    }
    JsonNode state = node.get("state");
    if (state == null || !state.isTextual()) {
      throw new FlagDefinitionException(origin, key, path + ".state",
          "\"state\" must be \"ENABLED\" or \"DISABLED\", found " + describe(state));
    }
    boolean enabled;
    switch (state.asText()) {
      case "ENABLED" -> enabled = true;
      case "DISABLED" -> enabled = false;
      default -> throw new FlagDefinitionException(origin, key, path + ".state",
          "\"state\" must be \"ENABLED\" or \"DISABLED\", found \"" + state.asText() + "\"");
    }

    JsonNode variantsNode = node.get("variants");
    if (variantsNode == null || !variantsNode.isObject() || variantsNode.isEmpty()) {
      throw new FlagDefinitionException(origin, key, path + ".variants",
          "\"variants\" must be an object with at least one variant, found " + describe(variantsNode));
    }
    Map<String, Object> variants = new LinkedHashMap<>();
    VariantType type = null;
    String firstName = null;
    for (Map.Entry<String, JsonNode> v : variantsNode.properties()) {
      String vpath = path + ".variants." + v.getKey();
      VariantType vt = typeOf(v.getValue());
      if (vt == null) {
        throw new FlagDefinitionException(origin, key, vpath,
            "a variant must be a boolean, string, number or object, found " + describe(v.getValue()));
      }
      if (type == null) {
        type = vt;
        firstName = v.getKey();
      } else if (type != vt) {
        if (isNumber(type) && isNumber(vt)) {
          type = VariantType.FLOAT;
        } else {
          throw new FlagDefinitionException(origin, key, vpath, "variants of mixed types: '" + v.getKey() + "' is "
              + article(vt) + " but '" + firstName + "' is " + article(type));
        }
      }
      variants.put(v.getKey().intern(), JsonValues.toJava(v.getValue()));
    }
    if (type == VariantType.FLOAT) {
      variants.replaceAll((name, value) -> ((Number) value).doubleValue());
    }

    JsonNode dv = node.get("defaultVariant");
    String defaultVariant = null;
    if (dv != null && !dv.isNull()) {
      if (!dv.isTextual()) {
        throw new FlagDefinitionException(origin, key, path + ".defaultVariant",
            "\"defaultVariant\" must be a variant name or null, found " + describe(dv));
      }
      defaultVariant = dv.asText();
      if (!variants.containsKey(defaultVariant)) {
        throw new FlagDefinitionException(origin, key, path + ".defaultVariant", "defaultVariant '" + defaultVariant
            + "' is not one of the variants " + variants.keySet());
      }
    }

    JsonNode targeting = node.get("targeting");
    if (targeting != null && !targeting.isNull()) {
      if (!targeting.isObject()) {
        throw new FlagDefinitionException(origin, key, path + ".targeting",
            "\"targeting\" must be a JsonLogic object, found " + describe(targeting));
      }
      if (targeting.isEmpty()) {
        targeting = null;
      }
    } else {
      targeting = null;
    }
    Map<String, Object> metadata = metadata(origin, key, path + ".metadata", node.get("metadata"));
    return new FlagDefinition(key, origin, enabled, Collections.unmodifiableMap(variants), type, defaultVariant,
        targeting, metadata, node);
  }

  private static Map<String, Object> metadata(String origin, String key, String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new FlagDefinitionException(origin, key, path, "\"metadata\" must be an object, found " + describe(node));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
        throw new FlagDefinitionException(origin, key, path + "." + e.getKey(),
            "metadata values must be strings, numbers or booleans, found " + describe(v));
      }
      out.put(e.getKey(), JsonValues.toJava(v));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Map<String, JsonNode> evaluators(String origin, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new FlagDefinitionException(origin, null, "$.$evaluators",
          "\"$evaluators\" must be an object of named rules, found " + describe(node));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static VariantType typeOf(JsonNode v) {
    if (v.isBoolean()) {
      return VariantType.BOOLEAN;
    }
    if (v.isTextual()) {
      return VariantType.STRING;
    }
    if (v.isIntegralNumber()) {
      return VariantType.INTEGER;
    }
    if (v.isNumber()) {
      return VariantType.FLOAT;
    }
    if (v.isObject() || v.isArray()) {
      return VariantType.OBJECT;
    }
    return null;
  }

  private static boolean isNumber(VariantType t) {
    return t == VariantType.INTEGER || t == VariantType.FLOAT;
  }

  private static String article(VariantType t) {
    return (t == VariantType.INTEGER ? "an " : t == VariantType.OBJECT ? "an " : "a ") + t.label();
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    String text = n.toString();
    String kind = n.isObject() ? "an object" : n.isArray() ? "an array" : n.isTextual() ? "a string"
        : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "a value";
    return kind + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }
}
