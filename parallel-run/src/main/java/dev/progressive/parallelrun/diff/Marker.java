package dev.progressive.parallelrun.diff;

/**
 * A leaf that {@link StructuralDiff} puts in a tree where it did not copy the value itself: a reference back to an
 * object already on the path (a cycle, found by identity), a part that was not compared because the comparison's
 * node budget ran out, or a part of a kept value that was truncated to stay within its byte budget. Its text says
 * which. Two cycles that point the same number of levels up are equal; the other markers equal nothing, so that
 * what was not compared is never taken for a match.
 */
public final class Marker {

  /** What a marker stands for. */
  public enum Kind {
    /** A reference back to an object that is already on the path. */
    CYCLE,
    /** A part that the comparison did not reach, because it stopped at its node budget. */
    NOT_COMPARED,
    /** What a bounded copy left out. */
    TRUNCATED
  }

  private final Kind kind;
  private final int levelsUp;
  private final String text;

  private Marker(Kind kind, int levelsUp, String text) {
    this.kind = kind;
    this.levelsUp = levelsUp;
    this.text = text;
  }

  /**
   * A reference to the object {@code levelsUp} levels above, on the path from the root.
   *
   * @param levelsUp at least 1 (0 for an object that contains itself directly in a container's place)
   * @return the marker
   */
  public static Marker cycle(int levelsUp) {
    return new Marker(Kind.CYCLE, levelsUp, "(cycle: the value " + levelsUp + " level" + (levelsUp == 1 ? "" : "s")
        + " up)");
  }

  static Marker notCompared(int maxNodes) {
    return new Marker(Kind.NOT_COMPARED, 0, "(not compared: over " + maxNodes + " nodes)");
  }

  static Marker truncated(String what) {
    return new Marker(Kind.TRUNCATED, 0, "(truncated: " + what + ")");
  }

  /** What the marker stands for. */
  public Kind kind() {
    return kind;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Marker m && kind == Kind.CYCLE && m.kind == Kind.CYCLE && levelsUp == m.levelsUp;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + levelsUp;
  }

  @Override
  public String toString() {
    return text;
  }
}
