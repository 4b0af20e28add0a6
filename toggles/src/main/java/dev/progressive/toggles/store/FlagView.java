package dev.progressive.toggles.store;

import java.util.List;
import java.util.Map;

/**
 * One flag as ops see it: what is in force, where each part came from, and what to send with the next change.
 *
 * @param key the flag
 * @param state {@code ENABLED} or {@code DISABLED}, in force
 * @param defaultVariant the default variant in force, or null
 * @param variants the variants' names in force
 * @param source the name of the source that defines the flag, or null when only the store does
 * @param version the override's version, to send with the next change; 0 when the flag was never changed
 * @param override what the store overrides, or {@link FlagOverride#NONE}
 * @param origins where each part in force came from: keys {@code state}, {@code defaultVariant}, {@code variants},
 *     {@code targeting}; values {@code source} or {@code store}
 * @param sourceDefinition the source's definition as flagd JSON, or null
 * @param effectiveDefinition the definition in force as flagd JSON
 * @param overrideError why the override could not be applied (the source's definition serves instead), or null
 */
public record FlagView(String key, String state, String defaultVariant, List<String> variants, String source,
    long version, FlagOverride override, Map<String, String> origins, String sourceDefinition,
    String effectiveDefinition, String overrideError) {}
