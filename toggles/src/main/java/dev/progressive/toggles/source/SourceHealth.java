package dev.progressive.toggles.source;

import java.time.Instant;

/**
 * The health of one flag source.
 *
 * @param source the source's name
 * @param status UP when its last read was applied, DOWN when it could not be read or was refused
 * @param error why it is DOWN, naming the file, the flag and the JSON path; null when UP
 * @param lastSuccess when it was last read and applied, or null if never
 * @param lastFailure when it last failed, or null if never
 */
public record SourceHealth(String source, Status status, String error, Instant lastSuccess, Instant lastFailure) {

  /** Whether a source serves fresh definitions. */
  public enum Status {
    UP,
    DOWN
  }

  public boolean isUp() {
    return status == Status.UP;
  }
}
