package dev.progressive.release.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.release.ReleaseState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A release plan's live state as the toggles store keeps it: the flag {@code release.<name>}, whose variants
 * {@code old} and {@code new} tell which implementation everyone gets once promoted or rolled back, and whose metadata
 * holds the state, the stage and the evidence of the last transition.
 *
 * @param state the state
 * @param stage the current stage's index, -1 before the start
 * @param stageStartedAt when the stage was entered, epoch millis (0 before the start)
 * @param evidence what the last transition rested on
 * @param version the flag's version, for the next compare-and-set
 */
public record StoredPlan(ReleaseState state, int stage, long stageStartedAt, String evidence, long version) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Evidence longer than this is cut in the flag (the audit keeps the reason, also bounded). */
  static final int MAX_EVIDENCE = 1000;

  /** The state of a plan that was never stored. */
  public static StoredPlan initial() {
    return new StoredPlan(ReleaseState.PENDING, -1, 0, "", 0);
  }

  /** Reads the state from the flag's effective definition (flagd JSON of one flag). */
  public static StoredPlan parse(String definition, long version) {
    try {
      JsonNode metadata = JSON.readTree(definition).path("metadata");
      return new StoredPlan(ReleaseState.valueOf(metadata.path("releaseState").asText("PENDING")),
          metadata.path("releaseStage").asInt(-1), metadata.path("releaseStageStartedAt").asLong(0),
          metadata.path("releaseEvidence").asText(""), version);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("the release flag's definition cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The flagd definition of one flag for this state.
   *
   * @param newInForce whether everyone gets the new implementation (the default variant is then {@code new})
   */
  public String definition(String release, String stageName, boolean newInForce) {
    ObjectNode root = JSON.createObjectNode();
    root.put("state", "ENABLED");
    ObjectNode variants = root.putObject("variants");
    variants.put("old", "old");
    variants.put("new", "new");
    root.put("defaultVariant", newInForce ? "new" : "old");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("release", release);
    metadata.put("releaseState", state.name());
    metadata.put("releaseStage", stage);
    metadata.put("releaseStageName", stageName);
    metadata.put("releaseStageStartedAt", stageStartedAt);
    if (!evidence.isEmpty()) {
      metadata.put("releaseEvidence", cut(evidence, MAX_EVIDENCE));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This state moved to another state, stage and start, resting on {@code evidence}. */
  public StoredPlan next(ReleaseState state, int stage, long stageStartedAt, String evidence) {
    return new StoredPlan(state, stage, stageStartedAt, evidence, version);
  }

  /** This state at another version of the flag. */
  StoredPlan withVersion(long version) {
    return new StoredPlan(state, stage, stageStartedAt, evidence, version);
  }

  /** Whether this is the same stage, entered at the same moment, as another: the same window of counts. */
  public boolean sameStage(StoredPlan other) {
    return stage == other.stage && stageStartedAt == other.stageStartedAt;
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
