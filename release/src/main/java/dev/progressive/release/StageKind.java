package dev.progressive.release;

/** What a stage of a {@link ReleasePlan} does; each kind has its own entry, gate and rollback (docs/releases.md). */
public enum StageKind {
  /** The new implementation is deployed at weight 0: only explicit cohorts (allow-list, header) reach it. */
  DARK,
  /** Blue-green's preview: testers reach the new version through explicit cohorts; like {@link #DARK}. */
  PREVIEW,
  /**
   * A parallel run or an HTTP shadow ({@link ComparisonSource}) compares the new implementation with the old; gated
   * on comparisons and match rate.
   */
  VERIFY,
  /** The canary's steps with its judge, as they are; passes when the canary is promoted. */
  CANARY,
  /** Waits for a person to approve. */
  APPROVAL,
  /** Blue-green's switch: everyone goes to the new version at once, and the old stays ready for a while. */
  SWITCH,
  /**
   * One step of a guarded feature rollout: a flag's {@code fractional} weights put the new variant at the step's
   * percent, and the canary judge compares the calls served with the new variant against the old, pooled over the
   * fleet.
   */
  FEATURE_ROLLOUT,
  /** Watches the old path until no instance has served it for a period: then the old code can be removed. */
  RETIRE;

  /** The kind's name as stages and meters show it: lower case. */
  public String label() {
    return this == FEATURE_ROLLOUT ? "rollout" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
