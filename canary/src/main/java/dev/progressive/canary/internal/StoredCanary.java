package dev.progressive.canary.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A canary's live state as the toggles store keeps it: the flag {@code canary.<name>} with variants
 * {@code baseline} and {@code canary}, a {@code fractional} rule whose first bucket is the canary's (so raising the
 * weight only adds keys to the canary), and metadata with the state, the step and when it started.
 *
 * @param state the state
 * @param step the step index, -1 when none is in force
 * @param weight the canary's weight in basis points
 * @param stepStartedAt when the step started, epoch millis (0 when none)
 * @param lastVerdict the summary of the verdict behind the last automatic transition, or empty
 * @param awaitingOperator whether the controller paused it to wait for a person (an inconclusive step past its limit
 *     under {@code InconclusiveTimeout.WAIT_FOR_OPERATOR}); cleared by the next transition
 * @param version the flag's version, for the next compare-and-set
 */
public record StoredCanary(CanaryState state, int step, int weight, long stepStartedAt, String lastVerdict,
    boolean awaitingOperator, long version) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state of a canary that was never stored. */
  public static StoredCanary initial() {
    return new StoredCanary(CanaryState.PENDING, -1, 0, 0, "", false, 0);
  }

  /** Reads the state from the flag's effective definition (flagd JSON of one flag). */
  public static StoredCanary parse(String definition, long version) {
    try {
      JsonNode root = JSON.readTree(definition);
      JsonNode metadata = root.path("metadata");
      CanaryState state = CanaryState.valueOf(metadata.path("canaryState").asText("PENDING"));
      int step = metadata.path("canaryStep").asInt(-1);
      long startedAt = metadata.path("canaryStepStartedAt").asLong(0);
      String verdict = metadata.path("canaryVerdict").asText("");
      boolean awaiting = metadata.path("canaryAwaitingOperator").asBoolean(false);
      int weight = 0;
      for (JsonNode bucket : root.path("targeting").path("fractional")) {
        if ("canary".equals(bucket.path(0).asText())) {
          weight = bucket.path(1).asInt(0);
        }
      }
      return new StoredCanary(state, step, weight, startedAt, verdict, awaiting, version);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("the canary flag's definition cannot be read: " + e.getMessage(), e);
    }
  }

  /** The flagd definition of one flag for this state (the version is not part of it). */
  public String definition(String canaryName) {
    ObjectNode root = JSON.createObjectNode();
    root.put("state", "ENABLED");
    ObjectNode variants = root.putObject("variants");
    variants.put("baseline", "baseline");
    variants.put("canary", "canary");
    root.put("defaultVariant", "baseline");
    ArrayNode fractional = root.putObject("targeting").putArray("fractional");
    fractional.addArray().add("canary").add(weight);
    fractional.addArray().add("baseline").add(CanaryRelease.BUCKETS - weight);
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("canary", canaryName);
    metadata.put("canaryState", state.name());
    metadata.put("canaryStep", step);
    metadata.put("canaryStepStartedAt", stepStartedAt);
    metadata.put("canaryWeightPercent", weight / 100.0);
    if (!lastVerdict.isEmpty()) {
      metadata.put("canaryVerdict", lastVerdict.length() > 1000 ? lastVerdict.substring(0, 1000) : lastVerdict);
    }
    if (awaitingOperator) {
      metadata.put("canaryAwaitingOperator", true);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This state moved to another state, step, weight and start; no longer awaiting an operator. */
  public StoredCanary next(CanaryState state, int step, int weight, long stepStartedAt, String lastVerdict) {
    return new StoredCanary(state, step, weight, stepStartedAt, lastVerdict, false, version);
  }

  /** This state, paused by the controller to wait for a person. */
  public StoredCanary awaitingOperator(String lastVerdict) {
    return new StoredCanary(CanaryState.PAUSED, step, weight, stepStartedAt, lastVerdict, true, version);
  }

  /** Whether this state is the same step, started at the same time, as another: the same window. */
  public boolean sameWindow(StoredCanary other) {
    return state == other.state && step == other.step && stepStartedAt == other.stepStartedAt;
  }
}
