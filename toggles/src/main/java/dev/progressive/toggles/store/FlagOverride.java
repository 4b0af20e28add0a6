package dev.progressive.toggles.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What ops changed on one flag, applied over the source's definition: each part is null when unchanged.
 *
 * @param state {@code ENABLED} or {@code DISABLED}, or null
 * @param defaultVariant the default variant's name, or null
 * @param weights variant name to weight for the flag's {@code fractional} rule, or null
 * @param definition a whole flag definition (flagd JSON) that replaces the source's, or null; state, default
 *     variant and weights apply over it
 */
public record FlagOverride(String state, String defaultVariant, Map<String, Integer> weights, String definition) {

  /** No change at all. */
  public static final FlagOverride NONE = new FlagOverride(null, null, null, null);

  public FlagOverride {
    if (state != null && !state.equals("ENABLED") && !state.equals("DISABLED")) {
      throw new IllegalArgumentException("state must be ENABLED or DISABLED, was " + state);
    }
    if (weights != null) {
      Map<String, Integer> copy = new LinkedHashMap<>();
      weights.forEach((variant, weight) -> {
        Objects.requireNonNull(variant, "a weight's variant");
        Objects.requireNonNull(weight, "the weight of " + variant);
        copy.put(variant, weight);
      });
      weights = Collections.unmodifiableMap(copy);
    }
  }

  public FlagOverride withState(String newState) {
    return new FlagOverride(newState, defaultVariant, weights, definition);
  }

  public FlagOverride withDefaultVariant(String newDefault) {
    return new FlagOverride(state, newDefault, weights, definition);
  }

  public FlagOverride withWeights(Map<String, Integer> newWeights) {
    return new FlagOverride(state, defaultVariant, newWeights, definition);
  }

  /** A whole new definition: earlier state, default variant and weight overrides no longer apply. */
  public FlagOverride withDefinition(String newDefinition) {
    return new FlagOverride(null, null, null, newDefinition);
  }

  public boolean isEmpty() {
    return state == null && defaultVariant == null && weights == null && definition == null;
  }
}
