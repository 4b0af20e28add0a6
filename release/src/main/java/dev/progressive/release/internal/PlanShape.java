package dev.progressive.release.internal;

import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import java.time.Instant;
import java.util.List;

/**
 * What a plan's list of stages says about a stored state: its stage, whether the new implementation is in force,
 * the status and the stage tag it shows, the flag definition it is stored as, and the refusal of an action that does
 * not fit it.
 */
final class PlanShape {

  private final String release;
  private final List<Stage> stages;
  /** The index of the stage that sends everyone to the new implementation, or -1. */
  private final int promoting;

  PlanShape(String release, List<Stage> stages) {
    this.release = release;
    this.stages = List.copyOf(stages);
    int p = -1;
    for (int i = 0; i < this.stages.size(); i++) {
      Stage st = this.stages.get(i);
      if (st.kind() == StageKind.CANARY || st.kind() == StageKind.SWITCH
          || (st.kind() == StageKind.FEATURE_ROLLOUT && st.percent() == 100)) {
        p = i;
      }
    }
    this.promoting = p;
  }

  String release() {
    return release;
  }

  List<Stage> stages() {
    return stages;
  }

  /** Whether the state is past the promotion (or at a switch or a 100% rollout step): the new one for everyone. */
  boolean promoted(StoredPlan s) {
    if (s.stage() < 0 || promoting < 0) {
      return false;
    }
    Stage at = stages.get(Math.min(s.stage(), stages.size() - 1));
    return s.stage() > promoting || at.kind() == StageKind.SWITCH
        || (at.kind() == StageKind.FEATURE_ROLLOUT && at.percent() == 100);
  }

  /** The stage a stored state is at, or a clear error when the plan lost stages while it was running. */
  Stage stageOf(StoredPlan s) {
    if (s.stage() < 0 || s.stage() >= stages.size()) {
      throw new IllegalStateException("release '" + release + "': the stored state is at stage index " + s.stage()
          + ", but the plan has " + stages.size() + " stages: it was redefined while running; abort it or define "
          + "it again under a new name");
    }
    return stages.get(s.stage());
  }

  String stageName(StoredPlan s) {
    return s.stage() >= 0 && s.stage() < stages.size() ? stages.get(s.stage()).name() : "none";
  }

  /** The {@code stage} tag of the stage gauge: the stage's name, or {@code pending}, {@code completed}, ... */
  String stageTag(StoredPlan s) {
    return switch (s.state()) {
      case PENDING -> "pending";
      case COMPLETED -> "completed";
      case ROLLED_BACK -> "rolled_back";
      default -> stageName(s);
    };
  }

  ReleaseStatus status(StoredPlan s) {
    return new ReleaseStatus(release, s.state(), s.stage(), stageName(s), Instant.ofEpochMilli(s.stageStartedAt()),
        s.evidence(), s.version());
  }

  /** The flag definition a state is stored as. */
  String definition(StoredPlan s) {
    boolean newInForce = s.state() == ReleaseState.COMPLETED
        || (s.state() != ReleaseState.ROLLED_BACK && promoted(s));
    return s.definition(release, stageName(s), newInForce);
  }

  /** Whether the plan's last stage is a retire stage that removes the plan's flags. */
  boolean removesFlags() {
    Stage last = stages.get(stages.size() - 1);
    return last.kind() == StageKind.RETIRE && last.removeFlags();
  }

  ReleaseActionException refused(String action, StoredPlan s, String why) {
    return new ReleaseActionException("release '" + release + "': cannot " + action + " at stage '" + stageName(s)
        + "' (" + s.state() + "): " + why, status(s));
  }
}
