package dev.progressive.toggles.store;

import java.util.Objects;

/**
 * Who asks for a change, why, and which version of the flag they read. A change whose version is not the current
 * one is refused with a {@link VersionConflictException}.
 *
 * <p>This record only checks what it cannot do without; {@link dev.progressive.toggles.FlagAdmin} checks the rest
 * with {@link ChangeRequestRules} before any store sees the change: a reason that is not blank, and an actor and a
 * reason of at most 1,000 characters without control characters.
 *
 * @param actor who asks; recorded in the audit
 * @param reason why; recorded in the audit; not null (and, for {@code FlagAdmin}, not blank)
 * @param expectedVersion the version read before deciding the change ({@code 0} when the flag had no override)
 */
public record ChangeRequest(String actor, String reason, long expectedVersion) {

  public ChangeRequest {
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("a change needs an actor");
    }
    Objects.requireNonNull(reason, "reason");
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion must be 0 or more, was " + expectedVersion);
    }
  }

  public static ChangeRequest of(String actor, String reason, long expectedVersion) {
    return new ChangeRequest(actor, reason, expectedVersion);
  }
}
