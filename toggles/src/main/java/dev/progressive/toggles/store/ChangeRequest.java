package dev.progressive.toggles.store;

import java.util.Objects;

/**
 * Who asks for a change, why, and which version of the flag they read. A change whose version is not the current
 * one is refused with a {@link VersionConflictException}; a change made with {@link #lastWriterWins} names no version
 * and applies over whatever version is current.
 *
 * <p>This record only checks what it cannot do without; {@link dev.progressive.toggles.FlagAdmin} checks the rest
 * with {@link ChangeRequestRules} before any store sees the change: a reason that is not blank, and an actor and a
 * reason of at most 1,000 characters without control characters.
 *
 * @param actor who asks; recorded in the audit
 * @param reason why; recorded in the audit; not null (and, for {@code FlagAdmin}, not blank)
 * @param expectedVersion the version read before deciding the change ({@code 0} when the flag had no override), or
 *     {@link #ANY_VERSION}
 */
public record ChangeRequest(String actor, String reason, long expectedVersion) {

  /** The expected version of a change that applies over whatever version is current: the last writer wins. */
  public static final long ANY_VERSION = -1;

  public ChangeRequest {
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("a change needs an actor");
    }
    Objects.requireNonNull(reason, "reason");
    if (expectedVersion < 0 && expectedVersion != ANY_VERSION) {
      throw new IllegalArgumentException("expectedVersion must be 0 or more, was " + expectedVersion);
    }
  }

  /**
   * A compare-and-set change: refused with a {@link VersionConflictException} unless the flag is still at
   * {@code expectedVersion}, which must be 0 or more.
   */
  public static ChangeRequest of(String actor, String reason, long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion must be 0 or more, was " + expectedVersion
          + "; use ChangeRequest.lastWriterWins for a change that names no version");
    }
    return new ChangeRequest(actor, reason, expectedVersion);
  }

  /**
   * A change that names no version: it applies over the version current when the store writes it, so concurrent
   * changes never conflict and the last one written wins (as a person at a terminal expects).
   */
  public static ChangeRequest lastWriterWins(String actor, String reason) {
    return new ChangeRequest(actor, reason, ANY_VERSION);
  }

  /** Whether this change is a compare-and-set on {@link #expectedVersion()}, rather than last-writer-wins. */
  public boolean checksVersion() {
    return expectedVersion != ANY_VERSION;
  }
}
