package dev.progressive.release;

import java.util.Locale;

/** What a transition of a release plan did; the {@code action} tag of {@code progressive.release.transitions}. */
public enum ReleaseAction {
  /** An operator started the plan at its first stage. */
  START,
  /** The plan moved to its next stage: its gate passed (automatically or at an operator's request). */
  ADVANCE,
  /** An operator moved the plan to its next stage although its gate had not passed. */
  FORCE_ADVANCE,
  /** A person approved an approval stage. */
  APPROVE,
  /** An operator paused the plan. */
  PAUSE,
  /** An operator resumed the plan. */
  RESUME,
  /** An operator rolled the plan back. */
  ABORT,
  /** The driver rolled the plan back because a gate failed. */
  ROLLBACK,
  /** The last stage passed: the old implementation can be removed. */
  COMPLETE;

  /** The action as meters and the audit show it: lower case. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
