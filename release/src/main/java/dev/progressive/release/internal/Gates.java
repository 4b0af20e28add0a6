package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.release.GateStatus;
import dev.progressive.release.GateStatus.Result;
import dev.progressive.release.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Checks a stage's gate against what the fleet counted in the stage, the canary's state and the clock. */
final class Gates {

  /** How a retire gate's evidence ends when it passed. */
  static final String OLD_REMOVABLE = "the old implementation can be removed";

  private Gates() {}

  /**
   * The gate of {@code stage}, entered at {@code stageStartedAt}.
   *
   * @param total the fleet's counts in the stage, summed
   * @param fresh each instance's counts, of the instances that published lately (retire checks every one)
   */
  static GateStatus check(Stage stage, long stageStartedAt, StageWindow.Counts total,
      List<StageWindow.Counts> fresh, Canary canary, long nowMillis) {
    return switch (stage.kind()) {
      case DARK, PREVIEW -> explicitCalls(stage, total);
      case VERIFY -> verify(stage, stageStartedAt, total, nowMillis);
      case CANARY -> canary(canary);
      case APPROVAL -> new GateStatus(Result.WAIT, "waiting for a person to approve");
      case SWITCH -> keepOld(stage, stageStartedAt, nowMillis);
      case RETIRE -> retire(stage, stageStartedAt, fresh, nowMillis);
      case FEATURE_ROLLOUT -> throw new IllegalArgumentException("a rollout step's gate is the judge's: RolloutGate");
    };
  }

  private static GateStatus explicitCalls(Stage stage, StageWindow.Counts total) {
    if (stage.minSuccessfulCalls() == 0) {
      return new GateStatus(Result.WAIT, total.explicitSuccesses()
          + " successful explicit calls to the new implementation; waiting for an operator to advance");
    }
    String counted = total.explicitSuccesses() + " of " + stage.minSuccessfulCalls()
        + " successful explicit calls to the new implementation";
    return new GateStatus(total.explicitSuccesses() >= stage.minSuccessfulCalls() ? Result.PASS : Result.WAIT,
        counted);
  }

  private static GateStatus verify(Stage stage, long startedAt, StageWindow.Counts total, long now) {
    long matches = total.comparisons(ComparisonOutcome.MATCH);
    long mismatches = 0;
    long noise = total.comparisons(ComparisonOutcome.IGNORED);
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      if (o == ComparisonOutcome.MATCH || o == ComparisonOutcome.IGNORED) {
        continue;
      }
      if (stage.noise().contains(o)) {
        noise += total.comparisons(o);
      } else {
        mismatches += total.comparisons(o);
      }
    }
    long counted = matches + mismatches;
    double matchRate = counted == 0 ? 0 : (double) matches / counted;
    double mismatchRate = counted == 0 ? 0 : (double) mismatches / counted;
    Duration elapsed = Duration.ofMillis(Math.max(0, now - startedAt));
    String evidence = String.format(Locale.ROOT, "%s: %d comparisons (%d matches, %d mismatches, "
        + "%d noise or ignored), match rate %.4f (needs %.4f over %d and %s; fails above a mismatch rate of %.4f), "
        + "%s elapsed", stage.comparisons().name(), counted, matches, mismatches, noise, matchRate, stage.minMatchRate(),
        stage.minComparisons(), stage.window(), stage.failAboveMismatchRate(), elapsed);
    if (counted >= stage.minComparisons() && mismatchRate > stage.failAboveMismatchRate()) {
      return new GateStatus(Result.FAIL, evidence);
    }
    if (counted >= stage.minComparisons() && matchRate >= stage.minMatchRate()
        && elapsed.compareTo(stage.window()) >= 0) {
      return new GateStatus(Result.PASS, evidence);
    }
    return new GateStatus(Result.WAIT, evidence);
  }

  private static GateStatus canary(Canary canary) {
    CanaryState state = canary.state();
    String verdict = canary.lastVerdictSummary();
    String evidence = "canary '" + canary.release().name() + "' " + state + " at " + canary.weight() / 100.0 + "%"
        + (verdict.isEmpty() ? "" : "; last verdict: " + verdict);
    return switch (state) {
      case PROMOTED -> new GateStatus(Result.PASS, evidence);
      case ROLLED_BACK -> new GateStatus(Result.FAIL, evidence);
      default -> new GateStatus(Result.WAIT, evidence);
    };
  }

  private static GateStatus keepOld(Stage stage, long startedAt, long now) {
    Duration elapsed = Duration.ofMillis(Math.max(0, now - startedAt));
    String evidence = "everyone on the new implementation for " + elapsed + "; the old one is kept ready for "
        + stage.keepOld();
    return new GateStatus(elapsed.compareTo(stage.keepOld()) >= 0 ? Result.PASS : Result.WAIT, evidence);
  }

  private static GateStatus retire(Stage stage, long startedAt, List<StageWindow.Counts> fresh, long now) {
    if (fresh.isEmpty()) {
      return new GateStatus(Result.WAIT, "no instance reported on the old path yet");
    }
    long lastOld = 0;
    long served = 0;
    for (StageWindow.Counts c : fresh) {
      lastOld = Math.max(lastOld, c.lastOldServedAt());
      served += c.oldServed();
    }
    long quietSince = Math.max(lastOld, startedAt);
    Duration quiet = Duration.ofMillis(Math.max(0, now - quietSince));
    String evidence = fresh.size() + " instances served the old implementation " + served + " times in the stage"
        + (lastOld == 0 ? "" : ", last at " + Instant.ofEpochMilli(lastOld)) + "; quiet for " + quiet + " of "
        + stage.quietPeriod();
    if (quiet.compareTo(stage.quietPeriod()) >= 0) {
      return new GateStatus(Result.PASS, evidence + ": " + OLD_REMOVABLE);
    }
    return new GateStatus(Result.WAIT, evidence);
  }
}
