package dev.progressive.release.event;

import dev.progressive.release.ReleaseAction;
import dev.progressive.release.ReleaseState;
import java.time.Instant;
import java.util.Objects;

/**
 * A release plan moved from one state or stage to another. Published by the instance that made the change, after it
 * was stored.
 *
 * @param release the plan's name
 * @param from the state before
 * @param to the state after
 * @param fromStage the stage before ({@code "none"} before the start)
 * @param toStage the stage after
 * @param action what was done
 * @param actor who did it: an operator, or {@code release-driver} for automatic transitions
 * @param reason why, in plain words
 * @param evidence what the transition rested on: the gate's evidence, or who approved
 * @param at when
 */
public record ReleaseTransition(String release, ReleaseState from, ReleaseState to, String fromStage,
    String toStage, ReleaseAction action, String actor, String reason, String evidence, Instant at) {
  public ReleaseTransition {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(fromStage, "fromStage");
    Objects.requireNonNull(toStage, "toStage");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(at, "at");
  }
}
