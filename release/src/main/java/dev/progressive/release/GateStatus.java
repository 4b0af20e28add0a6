package dev.progressive.release;

import java.util.Objects;

/**
 * The current stage's gate as last checked: whether it passed, waits or failed, and the evidence in plain words (the
 * counts, the match rate, the canary's verdict, the time left).
 *
 * @param result the gate's result
 * @param evidence what the result rests on
 */
public record GateStatus(Result result, String evidence) {

  /** A gate's result. */
  public enum Result {
    /** The stage may be left. */
    PASS,
    /** Not yet: more data, more time or a person is needed. */
    WAIT,
    /** The stage failed: the plan is rolled back. */
    FAIL
  }

  public GateStatus {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(evidence, "evidence");
  }
}
