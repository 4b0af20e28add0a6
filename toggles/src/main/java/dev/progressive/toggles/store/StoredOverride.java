package dev.progressive.toggles.store;

import java.time.Instant;

/**
 * A flag's override as the store holds it.
 *
 * @param flagKey the flag
 * @param override what is overridden; {@link FlagOverride#NONE} after the override was removed
 * @param version incremented by every write of this flag, starting at 1; a flag never written has version 0. Versions
 *     never go back, so a stale read can never be mistaken for a current one.
 * @param changeId the store-wide sequence number of the write; higher means later
 * @param updatedAt when it was written
 * @param updatedBy who wrote it
 * @param reason why
 */
public record StoredOverride(String flagKey, FlagOverride override, long version, long changeId, Instant updatedAt,
    String updatedBy, String reason) {}
