package dev.progressive.release;

import java.time.Instant;
import java.util.Objects;

/**
 * A release plan's state as one instance last read it from the shared store.
 *
 * @param release the plan's name
 * @param state the state
 * @param stageIndex the index of the current stage in {@link ReleasePlan#stages()}, -1 before the start
 * @param stage the current stage's name, or {@code "none"} before the start
 * @param stageStartedAt when the current stage was entered (the epoch before the start)
 * @param evidence what the last transition rested on, in plain words: the verdict, the match rate, the approver
 * @param version the stored version, which the next compare-and-set expects
 */
public record ReleaseStatus(String release, ReleaseState state, int stageIndex, String stage, Instant stageStartedAt,
    String evidence, long version) {
  public ReleaseStatus {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(stageStartedAt, "stageStartedAt");
    Objects.requireNonNull(evidence, "evidence");
  }

  /** Whether the retire stage found the old implementation unused on every instance: its code can be removed. */
  public boolean oldImplementationRemovable() {
    return state == ReleaseState.COMPLETED;
  }
}
