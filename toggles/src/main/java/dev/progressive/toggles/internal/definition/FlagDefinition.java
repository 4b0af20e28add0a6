package dev.progressive.toggles.internal.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One flag as parsed and validated from a flagd-format document, before its targeting is compiled.
 *
 * @param key the flag key
 * @param origin the source document (file name, URL, "in-memory"), for messages and read APIs
 * @param enabled whether the state is ENABLED
 * @param variants variant name to value (Boolean, String, Integer/Long, Double, or unmodifiable Map/List), in
 *     document order
 * @param variantType the one type all variants share
 * @param defaultVariant the default variant's name, or null when missing or null
 * @param targeting the targeting rule, or null when absent or an empty object
 * @param metadata the flag's own metadata (scalars), without the set's
 * @param json the flag's definition as written, for change detection and read APIs
 */
public record FlagDefinition(String key, String origin, boolean enabled, Map<String, Object> variants,
    VariantType variantType, String defaultVariant, JsonNode targeting, Map<String, Object> metadata, JsonNode json) {}
