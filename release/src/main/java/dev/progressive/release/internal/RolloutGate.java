package dev.progressive.release.internal;

import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Verdict;
import dev.progressive.release.GateStatus;
import dev.progressive.release.GateStatus.Result;
import dev.progressive.release.Stage;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A feature-rollout step's gate: pools every instance's window of the step from the fleet store and asks the step's
 * judge, with the old variant as the baseline and the new one as the canary. PASS passes, FAIL fails, INCONCLUSIVE
 * waits until the step's {@code maxInconclusive}, then fails. A 100% step has nothing left to compare and passes.
 */
final class RolloutGate {

  private static final Logger log = LoggerFactory.getLogger(RolloutGate.class);

  private RolloutGate() {}

  static GateStatus check(Stage stage, FleetStore fleet, FleetStore.WindowKey key, long stepStartedAt, long now) {
    String flag = "flag '" + stage.flagKey() + "' at " + stage.percent() + "% '" + stage.newVariant() + "'";
    if (stage.analysis() == null) {
      return new GateStatus(Result.PASS, flag + ": everyone on the new variant");
    }
    VariantWindow.Pooled pooled = new VariantWindow.Pooled();
    try {
      for (FleetStore.WindowRow row : fleet.windows(key)) {
        if (row.format() != VariantWindow.FORMAT) {
          continue;
        }
        try {
          pooled.add(row.payload());
        } catch (IllegalArgumentException e) {
          log.warn("{}: instance '{}''s window is skipped: {}", flag, row.instance(), e.getMessage());
        }
      }
    } catch (Exception e) {
      return new GateStatus(Result.WAIT, flag + ": the fleet's windows could not be read: " + e);
    }
    Verdict verdict;
    try {
      verdict = stage.judge().judge(new Judge.Look(stage.analysis(), 0, Instant.ofEpochMilli(stepStartedAt),
          Instant.ofEpochMilli(now), pooled.window(stage.analysis().latencySamples())));
    } catch (RuntimeException e) {
      return new GateStatus(Result.WAIT, flag + ": the judge failed: " + e);
    }
    String evidence = flag + ", " + pooled.instances() + " instances: '" + stage.oldVariant() + "' "
        + verdict.baselineRequests() + " calls, '" + stage.newVariant() + "' " + verdict.canaryRequests()
        + " calls; verdict " + verdict.result() + ": " + verdict.summary();
    Duration elapsed = Duration.ofMillis(Math.max(0, now - stepStartedAt));
    return switch (verdict.result()) {
      case PASS -> new GateStatus(Result.PASS, evidence);
      case FAIL -> new GateStatus(Result.FAIL, evidence);
      case INCONCLUSIVE -> elapsed.compareTo(stage.analysis().maxInconclusive()) > 0
          ? new GateStatus(Result.FAIL, evidence + "; inconclusive for " + elapsed + ", longer than "
              + stage.analysis().maxInconclusive())
          : new GateStatus(Result.WAIT, evidence);
    };
  }
}
