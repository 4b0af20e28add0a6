package dev.progressive.parallelrun.diff;

/**
 * A value kept whole: deeper than {@link DiffOptions#maxDepth()}, or an object without properties. Compared with
 * its {@code equals} (a failure, such as an overflow on a deep or cyclic value, counts as "not equal") and shown by
 * its bounded text. Never walked.
 */
final class Opaque {
  private final Object value;

  Opaque(Object value) {
    this.value = value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Opaque o && StructuralDiff.safeEquals(value, o.value);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(value);
  }

  @Override
  public String toString() {
    return BoundedTree.safeText(value);
  }
}
