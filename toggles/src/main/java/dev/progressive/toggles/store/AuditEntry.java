package dev.progressive.toggles.store;

import java.time.Instant;

/**
 * One change of a flag, as the audit keeps it: who, when, what, why, and the effective definition before and after.
 * Audit entries are never changed or deleted.
 *
 * @param id the store-wide change sequence number
 * @param flagKey the flag
 * @param version the flag's version after this change
 * @param action what was done: {@code set-state}, {@code set-default-variant}, {@code set-weights},
 *     {@code replace-definition} or {@code remove-override} (and, for canaries, their own actions)
 * @param actor who did it
 * @param reason why, as they said
 * @param at when
 * @param before the flag's effective definition before, as flagd JSON, or null when it did not exist
 * @param after the flag's effective definition after, as flagd JSON, or null when it no longer exists
 */
public record AuditEntry(long id, String flagKey, long version, String action, String actor, String reason, Instant at,
    String before, String after) {}
