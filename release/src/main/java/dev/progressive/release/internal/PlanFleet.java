package dev.progressive.release.internal;

import dev.progressive.canary.Canary;
import dev.progressive.canary.FleetStore;
import dev.progressive.release.GateStatus;
import dev.progressive.release.Stage;
import dev.progressive.release.StageKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plan's rows in the fleet store, under the key {@code release:<name>}: publishes this instance's counts of the
 * current stage (and a rollout step's calls per variant), checks the stage's gate on the fleet's rows, and drops the
 * rows of a stage the plan has left.
 */
final class PlanFleet {

  private static final Logger log = LoggerFactory.getLogger(PlanFleet.class);

  private final String release;
  private final FleetStore fleet;
  private final String fleetKey;
  private final String instance;
  private final Canary canary;
  /** A row older than this is not counted as an instance that reports (the retire gate's "every instance"). */
  private final long freshMillis;
  /** A feature rollout's recorder; null for a plan that drives a canary. */
  private final RolloutRecorder rollout;

  PlanFleet(String release, FleetStore fleet, String instance, Duration interval, Canary canary,
      RolloutRecorder rollout) {
    this.release = release;
    this.fleet = fleet;
    this.fleetKey = "release:" + release;
    this.instance = instance;
    this.canary = canary;
    this.freshMillis = interval.multipliedBy(2).toMillis();
    this.rollout = rollout;
  }

  /** The key of the plan's driver lease: one no canary name can take. */
  String leaseKey() {
    return fleetKey;
  }

  FleetStore store() {
    return fleet;
  }

  private FleetStore.WindowKey key(StoredPlan s) {
    return new FleetStore.WindowKey(fleetKey, s.stage(), s.stageStartedAt());
  }

  /** Where a rollout step's windows per variant are published: a key no canary name and no plan's counts can take. */
  private FleetStore.WindowKey variantsKey(StoredPlan s) {
    return new FleetStore.WindowKey(fleetKey + ":variants", s.stage(), s.stageStartedAt());
  }

  /** Publishes this instance's counts of the running stage {@code s}; failures are logged, the next look retries. */
  void publish(StoredPlan s, StageWindow w, long now) {
    if (w.stage().sameStage(s)) {
      try {
        fleet.publish(key(s), new FleetStore.WindowRow(instance, StageWindow.FORMAT, w.counts().encode(), now));
      } catch (Exception e) {
        log.warn("release '{}': this instance's counts cannot be published: {}", release, e.toString());
      }
    }
    if (rollout != null) {
      try {
        rollout.publish(fleet, variantsKey(s), s, instance, now);
      } catch (Exception e) {
        log.warn("release '{}': this instance's calls per variant cannot be published: {}", release, e.toString());
      }
    }
  }

  /** The gate of {@code stage}, the stage of {@code s}, checked now on the fleet's rows. */
  GateStatus gate(StoredPlan s, Stage stage, long now) {
    if (stage.kind() == StageKind.FEATURE_ROLLOUT) {
      return RolloutGate.check(stage, fleet, variantsKey(s), s.stageStartedAt(), now);
    }
    StageWindow.Counts total = StageWindow.Counts.none();
    SortedMap<String, StageWindow.Counts> byInstance = new TreeMap<>();
    List<StageWindow.Counts> fresh = new ArrayList<>();
    if (needsCounts(stage)) {
      try {
        for (FleetStore.WindowRow row : fleet.windows(key(s))) {
          if (row.format() != StageWindow.FORMAT) {
            continue;
          }
          StageWindow.Counts c = StageWindow.Counts.decode(row.payload());
          total = total.plus(c);
          byInstance.put(row.instance(), c);
          if (now - row.publishedAtMillis() <= freshMillis) {
            fresh.add(c);
          }
        }
      } catch (Exception e) {
        return new GateStatus(GateStatus.Result.WAIT, "the fleet's counts could not be read: " + e);
      }
    }
    return Gates.check(stage, s.stageStartedAt(), total, byInstance, fresh, canary, now);
  }

  private static boolean needsCounts(Stage stage) {
    return switch (stage.kind()) {
      case DARK, PREVIEW, VERIFY, RETIRE -> true;
      default -> false;
    };
  }

  /** Keeps only the rows of the stage {@code stored} is at; none once it is final. */
  void dropOtherStages(StoredPlan stored) throws Exception {
    try {
      fleet.retainOnly(fleetKey, stored.state().isFinal() ? Optional.empty() : Optional.of(key(stored)));
    } finally {
      if (rollout != null) {
        fleet.retainOnly(fleetKey + ":variants", stored.state().isFinal() ? Optional.empty()
            : Optional.of(variantsKey(stored)));
      }
    }
  }
}
