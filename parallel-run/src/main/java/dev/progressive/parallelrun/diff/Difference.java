package dev.progressive.parallelrun.diff;


/**
 * One path at which two structures differ, with the value on each side. Values are those of the compared trees:
 * strings, numbers, booleans, {@code null}, maps and lists, or {@link #ABSENT} when the path exists on one side only.
 * {@link #toString()} renders it as {@code items[2].price: 10.00 ≠ 10.0}.
 *
 * @param path the path, such as {@code items[2].price}, or {@code $} for the values themselves
 * @param control the value on the control's side, or {@link #ABSENT}
 * @param candidate the value on the candidate's side, or {@link #ABSENT}
 */
public record Difference(String path, Object control, Object candidate) {

  /** Marks a path that exists on one side only. */
  public static final Object ABSENT = new Object() {
    @Override
    public String toString() {
      return "(absent)";
    }
  };

  private static final int MAX_RENDERED = 120;

  /** The same difference under a prefix, such as {@code body}; the root {@code $} becomes the prefix itself. */
  public Difference under(String prefix) {
    if (path.equals("$")) {
      return new Difference(prefix, control, candidate);
    }
    String joined = path.startsWith("[") ? prefix + path : prefix + "." + path;
    return new Difference(joined, control, candidate);
  }

  @Override
  public String toString() {
    return path + ": " + render(control) + " ≠ " + render(candidate);
  }

  /**
   * Renders a tree value for a report: strings quoted, numbers as written, structures abbreviated to 120 characters.
   * Never throws for a value whose {@code toString} fails or recurses.
   *
   * @param value a tree value
   * @return a short text
   */
  public static String render(Object value) {
    return BoundedTree.render(value, MAX_RENDERED);
  }
}
