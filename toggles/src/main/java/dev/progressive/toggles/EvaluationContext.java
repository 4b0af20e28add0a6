package dev.progressive.toggles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a flag is evaluated for: an optional targeting key (the stable id that bucketing hashes, usually a user or
 * tenant id) and named attributes that targeting rules read with {@code {"var": "name"}}.
 *
 * <p>Immutable and cheap: build one per request, or keep one per user and reuse it. Attribute values are
 * {@code String}, {@code Boolean}, {@code Number}, {@code List}, {@code Map} or {@code null}; a dotted path such as
 * {@code user.email} reads into nested maps.
 *
 * <pre>{@code
 * EvaluationContext ctx = EvaluationContext.builder()
 *     .targetingKey("user-42")
 *     .attribute("email", "ada@example.com")
 *     .attribute("tier", "gold")
 *     .build();
 * }</pre>
 */
public final class EvaluationContext {

  private static final EvaluationContext EMPTY = new EvaluationContext(null, Map.of());

  private final String targetingKey;
  /** Never modified after construction; read directly on the evaluation path. */
  private final Map<String, Object> values;
  private final Map<String, Object> attributes;

  private EvaluationContext(String targetingKey, Map<String, Object> values) {
    this.targetingKey = targetingKey;
    this.values = values;
    this.attributes = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(values);
  }

  /** The context with no targeting key and no attributes. */
  public static EvaluationContext empty() {
    return EMPTY;
  }

  /** A context with only a targeting key. */
  public static EvaluationContext of(String targetingKey) {
    return new EvaluationContext(targetingKey, Map.of());
  }

  /** A context with a targeting key (may be null) and a copy of the given attributes. */
  public static EvaluationContext of(String targetingKey, Map<String, ?> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    return new EvaluationContext(targetingKey, new LinkedHashMap<>(attributes));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The targeting key, or null when there is none. */
  public String targetingKey() {
    return targetingKey;
  }

  /** One attribute by its top-level name, or null. {@code "targetingKey"} answers the targeting key. */
  public Object attribute(String name) {
    Object value = values.get(name);
    if (value == null && targetingKey != null && "targetingKey".equals(name)) {
      return targetingKey;
    }
    return value;
  }

  /** All attributes, unmodifiable, without the targeting key. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluationContext other
        && Objects.equals(targetingKey, other.targetingKey)
        && attributes.equals(other.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetingKey, attributes);
  }

  @Override
  public String toString() {
    return "EvaluationContext{targetingKey=" + targetingKey + ", attributes=" + attributes.keySet() + "}";
  }

  /** Builds an {@link EvaluationContext}. Not thread-safe; build one per thread. */
  public static final class Builder {
    private String targetingKey;
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    private Builder() {}

    public Builder targetingKey(String targetingKey) {
      this.targetingKey = targetingKey;
      return this;
    }

    /**
     * Adds an attribute.
     *
     * @throws IllegalArgumentException when the name is null or empty
     */
    public Builder attribute(String name, Object value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("attribute name must not be null or empty");
      }
      attributes.put(name, value);
      return this;
    }

    public EvaluationContext build() {
      return new EvaluationContext(targetingKey, attributes.isEmpty() ? Map.of() : new LinkedHashMap<>(attributes));
    }
  }
}
