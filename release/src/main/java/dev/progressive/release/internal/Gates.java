package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.release.GateStatus;
import dev.progressive.release.GateStatus.Result;
import dev.progressive.release.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/** Checks a stage's gate against what the fleet counted in the stage, the canary's state and the clock. */
final class Gates {

  /** How a retire gate's evidence ends when it passed. */
  static final String OLD_REMOVABLE = "the old implementation can be removed";

  /** How the evidence of a manual gate that waits ends; an operator's advance replaces it ({@link #advancedBy}). */
  private static final String WAITING_FOR_OPERATOR = "; waiting for an operator to advance";

  /** The instances a dark gate's evidence names one by one (the stored evidence is cut at 1,000 characters). */
  static final int NAMED_INSTANCES = 8;

  private Gates() {}

  /**
   * The gate of {@code stage}, entered at {@code stageStartedAt}.
   *
   * @param total the fleet's counts in the stage, summed
   * @param byInstance each instance's counts in the stage, by instance id (the rows summed in {@code total})
   * @param fresh each instance's counts, of the instances that published lately (retire checks every one)
   */
  static GateStatus check(Stage stage, long stageStartedAt, StageWindow.Counts total,
      SortedMap<String, StageWindow.Counts> byInstance, List<StageWindow.Counts> fresh, Canary canary,
      long nowMillis) {
    return switch (stage.kind()) {
      case DARK, PREVIEW -> explicitCalls(stage, total, byInstance);
      case VERIFY -> verify(stage, stageStartedAt, total, nowMillis);
      case CANARY -> canary(canary);
      case APPROVAL -> new GateStatus(Result.WAIT, "waiting for a person to approve");
      case SWITCH -> keepOld(stage, stageStartedAt, nowMillis);
      case RETIRE -> retire(stage, stageStartedAt, fresh, nowMillis);
      case FEATURE_ROLLOUT -> throw new IllegalArgumentException("a rollout step's gate is the judge's: RolloutGate");
    };
  }

  /**
   * The evidence of the gate {@code g} that an operator's {@code advance} passed: a manual gate's no longer says it
   * waits for one, but who passed it.
   */
  static String advancedBy(GateStatus g, String actor) {
    String evidence = g.evidence();
    if (evidence.endsWith(WAITING_FOR_OPERATOR)) {
      evidence = evidence.substring(0, evidence.length() - WAITING_FOR_OPERATOR.length());
    }
    return evidence + "; a manual gate, passed by " + actor + "'s advance";
  }

  /**
   * Dark and preview: fails when the fleet's pooled error rate of explicit calls is above the stage's limit (once
   * enough were made), else passes at the minimum of successful calls, or waits for an operator.
   */
  private static GateStatus explicitCalls(Stage stage, StageWindow.Counts total,
      SortedMap<String, StageWindow.Counts> byInstance) {
    long ok = total.explicitSuccesses();
    long failed = total.explicitFailures();
    long calls = total.explicitCalls();
    StringBuilder evidence = new StringBuilder();
    if (stage.minSuccessfulCalls() > 0) {
      evidence.append(ok).append(" of ").append(stage.minSuccessfulCalls());
    } else {
      evidence.append(ok);
    }
    evidence.append(" successful explicit calls to the new implementation");
    boolean judged = stage.failAboveErrorRate() < 1;
    if (failed > 0 || judged) {
      evidence.append("; ").append(failed).append(" of ").append(calls).append(" explicit calls failed");
    }
    if (judged) {
      double rate = calls == 0 ? 0 : (double) failed / calls;
      evidence.append(String.format(Locale.ROOT, " (error rate %.4f; fails above %.4f once %d were made)", rate,
          stage.failAboveErrorRate(), stage.minCallsToJudge()));
      evidence.append("; ").append(reporting(byInstance));
      if (calls >= stage.minCallsToJudge() && rate > stage.failAboveErrorRate()) {
        return new GateStatus(Result.FAIL, evidence.toString());
      }
    }
    if (stage.minSuccessfulCalls() == 0) {
      return new GateStatus(Result.WAIT, evidence + WAITING_FOR_OPERATOR);
    }
    return new GateStatus(ok >= stage.minSuccessfulCalls() ? Result.PASS : Result.WAIT, evidence.toString());
  }

  /**
   * The instances whose counts the gate pooled, each with its explicit calls, the most failures first (then by id): at
   * most {@link #NAMED_INSTANCES} named, so that the evidence stays short in a large fleet.
   */
  private static String reporting(SortedMap<String, StageWindow.Counts> byInstance) {
    if (byInstance.isEmpty()) {
      return "no instance reported yet";
    }
    List<Map.Entry<String, StageWindow.Counts>> ordered = new ArrayList<>(byInstance.entrySet());
    ordered.sort(Comparator.comparingLong((Map.Entry<String, StageWindow.Counts> e) -> -e.getValue().explicitFailures())
        .thenComparing(Map.Entry::getKey));
    StringBuilder b = new StringBuilder("reported by ").append(ordered.size())
        .append(ordered.size() == 1 ? " instance: " : " instances: ");
    for (int i = 0; i < ordered.size(); i++) {
      if (i == NAMED_INSTANCES) {
        b.append(" and ").append(ordered.size() - i).append(" more");
        break;
      }
      StageWindow.Counts c = ordered.get(i).getValue();
      b.append(i == 0 ? "" : ", ").append(ordered.get(i).getKey()).append(" (").append(c.explicitFailures())
          .append(" of ").append(c.explicitCalls()).append(" failed)");
    }
    return b.toString();
  }

  /**
   * Verify: a MATCH is a match, IGNORED and the stage's noise count neither way, REJECTED (the candidate was not run)
   * is not a comparison at all and is shown apart, and every other outcome is a mismatch.
   */
  private static GateStatus verify(Stage stage, long startedAt, StageWindow.Counts total, long now) {
    long matches = total.comparisons(ComparisonOutcome.MATCH);
    long mismatches = 0;
    long noise = total.comparisons(ComparisonOutcome.IGNORED);
    long notCompared = total.comparisons(ComparisonOutcome.REJECTED);
    for (ComparisonOutcome o : ComparisonOutcome.values()) {
      if (o == ComparisonOutcome.MATCH || o == ComparisonOutcome.IGNORED || o == ComparisonOutcome.REJECTED) {
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
        + "%d noise or ignored)%s, match rate %.4f (needs %.4f over %d and %s; fails above a mismatch rate of %.4f), "
        + "%s elapsed", stage.comparisons().name(), counted, matches, mismatches, noise,
        notCompared == 0 ? "" : ", " + notCompared + " not compared (rejected: the candidate was not run)",
        matchRate, stage.minMatchRate(), stage.minComparisons(), stage.window(), stage.failAboveMismatchRate(),
        elapsed);
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
