package dev.progressive.canary;

import java.util.List;
import java.util.Objects;

/**
 * How one instance takes part in its canary's fleet-wide judgement, as of its last look.
 *
 * @param instance this instance's id in the {@link FleetStore}
 * @param shared whether the fleet store is shared with other instances (false: this instance judges alone)
 * @param leaseHolder whether this instance held the analysis lease at its last look, and so judged
 * @param instancesJudged how many instances' windows the last judgement summed (0 when this instance did not judge)
 * @param publishError why the last publish of this instance's window failed, or empty when it succeeded; a failed
 *     publish is retried at the next interval and loses nothing
 * @param skippedInstances instances whose windows were skipped because their format is unknown to this version
 */
public record FleetStatus(String instance, boolean shared, boolean leaseHolder, int instancesJudged,
    String publishError, List<String> skippedInstances) {
  public FleetStatus {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(publishError, "publishError");
    skippedInstances = List.copyOf(skippedInstances);
  }
}
