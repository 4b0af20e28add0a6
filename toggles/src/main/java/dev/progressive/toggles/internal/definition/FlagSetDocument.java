package dev.progressive.toggles.internal.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A parsed, validated flagd-format document: its flags, the set-level metadata and the {@code $evaluators} that
 * targeting rules reference with {@code $ref}.
 *
 * @param origin where it came from
 * @param flags by key, in document order
 * @param metadata set-level metadata, merged under each flag's own
 * @param evaluators the shared rules, by name
 */
public record FlagSetDocument(String origin, Map<String, FlagDefinition> flags, Map<String, Object> metadata,
    Map<String, JsonNode> evaluators) {}
