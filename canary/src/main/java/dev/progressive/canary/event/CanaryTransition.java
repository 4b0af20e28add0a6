package dev.progressive.canary.event;

import dev.progressive.canary.CanaryAction;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Verdict;
import java.time.Instant;
import java.util.Objects;

/**
 * A canary moved from one state or step to another. Published by the instance that made the change, after it was
 * stored.
 *
 * @param canary the canary's name
 * @param from the state before
 * @param to the state after
 * @param fromWeight the canary's weight before, in basis points (1% = 100)
 * @param toWeight the canary's weight after, in basis points
 * @param step the step index after the change, or -1 when no step is in force (pending, promoted, rolled back)
 * @param action what was done: {@link CanaryAction#START}, {@code ADVANCE}, {@code PROMOTE}, {@code PAUSE},
 *     {@code RESUME}, {@code ROLLBACK}, {@code ABORT} or {@code WAIT_FOR_OPERATOR}
 * @param actor who did it: an operator, or {@code canary-controller} for the automatic transitions
 * @param reason why, in plain words
 * @param verdict the verdict behind an automatic transition, or null for a manual one
 * @param at when
 */
public record CanaryTransition(String canary, CanaryState from, CanaryState to, int fromWeight, int toWeight,
    int step, CanaryAction action, String actor, String reason, Verdict verdict, Instant at) {
  public CanaryTransition {
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
