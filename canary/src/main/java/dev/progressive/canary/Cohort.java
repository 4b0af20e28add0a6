package dev.progressive.canary;

/** The side of a canary release that serves a request. */
public enum Cohort {
  /** The current implementation or version. */
  BASELINE,
  /** The new implementation or version under test. */
  CANARY;

  /** The lowercase name used in meter tags: {@code baseline} or {@code canary}. */
  public String tag() {
    return this == BASELINE ? "baseline" : "canary";
  }
}
