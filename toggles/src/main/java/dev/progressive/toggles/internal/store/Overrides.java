package dev.progressive.toggles.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.store.FlagOverride;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Applies a {@link FlagOverride} to a flag's definition, giving the effective definition as flagd JSON. */
public final class Overrides {

  /** The origin that errors about overrides name. */
  public static final String ORIGIN = "store";

  private Overrides() {}

  /**
   * The effective definition of a flag.
   *
   * @param key the flag
   * @param source the source's definition, or null when no source defines the flag
   * @param override what ops changed
   * @return the effective definition, or null when the flag has neither a source definition nor a whole definition
   *     in its override
   * @throws FlagDefinitionException when the override does not fit the definition (e.g. weights without a
   *     {@code fractional} rule); the path is the override's part
   */
  public static ObjectNode apply(String key, JsonNode source, FlagOverride override) {
    ObjectNode flag;
    if (override.definition() != null) {
      JsonNode parsed = FlagSetParser.readTree(ORIGIN, override.definition());
      if (!parsed.isObject()) {
        throw new FlagDefinitionException(ORIGIN, key, "$.flags." + key, "a flag definition must be an object");
      }
      flag = ((ObjectNode) parsed).deepCopy();
    } else if (source != null && source.isObject()) {
      flag = ((ObjectNode) source).deepCopy();
    } else {
      return null;
    }
    if (override.state() != null) {
      flag.put("state", override.state());
    }
    if (override.defaultVariant() != null) {
      flag.put("defaultVariant", override.defaultVariant());
    }
    if (override.weights() != null) {
      applyWeights(key, flag, override.weights());
    }
    return flag;
  }

  /**
   * Sets the weights of the flag's {@code fractional} buckets, wherever they are in its targeting. A flag without
   * targeting gets a {@code fractional} rule over the weighted variants. Every weighted variant must be a variant,
   * and, when the flag has targeting, a bucket of one of its {@code fractional} rules.
   */
  static void applyWeights(String key, ObjectNode flag, Map<String, Integer> weights) {
    String path = "$.flags." + key + ".weights";
    if (weights.isEmpty()) {
      throw new FlagDefinitionException(ORIGIN, key, path, "weights must name at least one variant");
    }
    long total = 0;
    for (Map.Entry<String, Integer> w : weights.entrySet()) {
      if (w.getValue() < 0) {
        throw new FlagDefinitionException(ORIGIN, key, path + "." + w.getKey(),
            "a weight must not be negative, found " + w.getValue());
      }
      total += w.getValue();
      JsonNode variants = flag.get("variants");
      if (variants == null || !variants.has(w.getKey())) {
        throw new FlagDefinitionException(ORIGIN, key, path + "." + w.getKey(),
            "'" + w.getKey() + "' is not a variant of the flag");
      }
    }
    if (total > Integer.MAX_VALUE) {
      throw new FlagDefinitionException(ORIGIN, key, path, "the weights add up to " + total
          + ", more than the largest total of " + Integer.MAX_VALUE + "; use smaller numbers in the same ratio");
    }
    if (total <= 0) {
      throw new FlagDefinitionException(ORIGIN, key, path, "the weights must add up to more than 0");
    }
    JsonNode targeting = flag.get("targeting");
    if (targeting == null || targeting.isNull() || (targeting.isObject() && targeting.isEmpty())) {
      ArrayNode buckets = JsonNodeFactory.instance.arrayNode();
      weights.forEach((variant, weight) -> buckets.addArray().add(variant).add(weight));
      ObjectNode rule = JsonNodeFactory.instance.objectNode();
      rule.set("fractional", buckets);
      flag.set("targeting", rule);
      return;
    }
    Set<String> missing = new TreeSet<>();
    missingBuckets(targeting, weights, missing);
    if (!missing.isEmpty()) {
      throw new FlagDefinitionException(ORIGIN, key, path, "weights must name every bucket of the fractional rules "
          + "they change; missing " + missing + " (send 0 for a variant that should get no one)");
    }
    Set<String> found = new HashSet<>();
    int rules = setWeights(targeting, weights, found);
    if (rules == 0) {
      throw new FlagDefinitionException(ORIGIN, key, "$.flags." + key + ".targeting",
          "the flag's targeting has no fractional rule to weigh; replace its definition instead");
    }
    for (String variant : weights.keySet()) {
      if (!found.contains(variant)) {
        throw new FlagDefinitionException(ORIGIN, key, path + "." + variant,
            "no fractional rule of the flag has a bucket for '" + variant + "'");
      }
    }
  }

  /** The buckets of every fractional rule that weights change (name one of its buckets) that the weights leave out. */
  private static void missingBuckets(JsonNode node, Map<String, Integer> weights, Set<String> missing) {
    if (node.isObject()) {
      JsonNode fractional = node.get("fractional");
      if (fractional != null && fractional.isArray()) {
        Set<String> buckets = new HashSet<>();
        for (JsonNode bucket : fractional) {
          if (bucket.isArray() && bucket.size() >= 1 && bucket.get(0).isTextual()) {
            buckets.add(bucket.get(0).asText());
          }
        }
        if (buckets.stream().anyMatch(weights::containsKey)) {
          buckets.stream().filter(b -> !weights.containsKey(b)).forEach(missing::add);
        }
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        missingBuckets(child, weights, missing);
      }
    }
  }

  private static int setWeights(JsonNode node, Map<String, Integer> weights, Set<String> found) {
    int rules = 0;
    if (node.isObject()) {
      JsonNode fractional = node.get("fractional");
      if (fractional != null && fractional.isArray()) {
        rules++;
        for (JsonNode bucket : fractional) {
          if (bucket.isArray() && bucket.size() >= 1 && bucket.get(0).isTextual()) {
            Integer w = weights.get(bucket.get(0).asText());
            if (w != null) {
              ArrayNode b = (ArrayNode) bucket;
              if (b.size() >= 2) {
                b.set(1, JsonNodeFactory.instance.numberNode(w));
              } else {
                b.add(w);
              }
              found.add(bucket.get(0).asText());
            }
          }
        }
      }
      for (JsonNode child : node) {
        rules += setWeights(child, weights, found);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        rules += setWeights(child, weights, found);
      }
    }
    return rules;
  }
}
