package dev.progressive.canary.event;

import dev.progressive.canary.CanaryAction;
import dev.progressive.canary.Verdict;
import java.util.Objects;

/**
 * The judge looked at the current step. Published at every analysis interval while a canary progresses, by the
 * instance that judged (the holder of the canary's analysis lease when the instances share a fleet store), also in
 * dry-run, where {@code wouldDo} tells what the controller would have done.
 *
 * @param canary the canary's name
 * @param step the step judged
 * @param verdict the verdict
 * @param dryRun whether the canary is in dry-run
 * @param wouldDo what this verdict leads to: {@link CanaryAction#HOLD}, {@code ADVANCE}, {@code PROMOTE},
 *     {@code ROLLBACK} or {@code WAIT_FOR_OPERATOR}
 */
public record VerdictReported(String canary, int step, Verdict verdict, boolean dryRun, CanaryAction wouldDo) {
  public VerdictReported {
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(wouldDo, "wouldDo");
  }
}
