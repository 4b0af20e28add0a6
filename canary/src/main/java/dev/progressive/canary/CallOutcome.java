package dev.progressive.canary;

/** How one request ended, as the judge counts it. */
public enum CallOutcome {
  /** The request succeeded. */
  SUCCESS,
  /** The request failed; it counts against its side's error rate. */
  ERROR;

  /** The lowercase name used in meter tags: {@code success} or {@code error}. */
  public String tag() {
    return this == SUCCESS ? "success" : "error";
  }
}
