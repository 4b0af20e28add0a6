package dev.progressive.parallelrun.internal;

import dev.progressive.parallelrun.Mismatch;
import dev.progressive.parallelrun.Result;
import dev.progressive.parallelrun.diff.BoundedTree;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the bounded copy of a mismatch that an experiment keeps: each kept mismatch gets an equal share of the
 * experiment's byte budget (at least 1 KiB): a quarter for the control's value, a quarter for the candidate's, half
 * for the differences. Values are kept as bounded trees, never as the caller's objects; what does not fit is cut,
 * and the mismatch says so ({@link Mismatch#truncated()}).
 */
public final class KeptMismatches {

  private static final int LOGGED_DIFFERENCES = 10;
  private static final java.util.regex.Pattern INDEX = java.util.regex.Pattern.compile("\\[\\d+]");

  private final StructuralDiff diff;
  private final long perMismatch;

  /**
   * Creates the keeper.
   *
   * @param diff turns values into trees
   * @param count how many mismatches are kept
   * @param totalBytes the budget of all of them together
   */
  public KeptMismatches(StructuralDiff diff, int count, long totalBytes) {
    this.diff = diff;
    this.perMismatch = Math.max(1024, totalBytes / Math.max(1, count));
  }

  /** The estimated bytes one kept mismatch may take. */
  public long perMismatch() {
    return perMismatch;
  }

  /**
   * The bounded copy of a mismatch.
   *
   * @param result the mismatching result
   * @param sequence its sequence number
   * @param time when it was compared
   * @return what to keep
   */
  public Mismatch keep(Result<?, ?> result, long sequence, Instant time) {
    BoundedTree.Copy control = value(result.cleanedControl(), perMismatch / 4);
    BoundedTree.Copy candidate = value(result.cleanedCandidate(), perMismatch / 4);
    boolean truncated = control.truncated() || candidate.truncated();
    long left = perMismatch / 2;
    List<Difference> differences = new ArrayList<>();
    for (Difference difference : result.differences()) {
      long share = Math.max(64, left / 2);
      BoundedTree.Copy before = BoundedTree.copy(difference.control(), share);
      BoundedTree.Copy after = BoundedTree.copy(difference.candidate(), share);
      long size = 64 + 2L * difference.path().length() + before.bytes() + after.bytes();
      if (size > left) {
        truncated = true;
        break;
      }
      left -= size;
      truncated |= before.truncated() || after.truncated();
      differences.add(new Difference(difference.path(), before.value(), after.value()));
    }
    return new Mismatch(result.experiment(), result.candidateName(), sequence, time, control.value(),
        candidate.value(), differences, truncated);
  }

  private BoundedTree.Copy value(Object value, long bytes) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof Character || value instanceof Enum<?>) {
      return BoundedTree.copy(value, bytes);
    }
    Object tree;
    try {
      tree = diff.toTree(value);
    } catch (Throwable t) {
      if (Faults.isFatal(t)) {
        throw t;
      }
      tree = "(could not be read: " + Faults.describe(t) + ")";
    }
    return BoundedTree.copy(tree, bytes);
  }

  /**
   * What makes two mismatches "the same" for the log: the candidate and the first ten differing paths, indices
   * folded to {@code [*]}.
   *
   * @param result a mismatching result
   * @return the signature
   */
  public static String signature(Result<?, ?> result) {
    StringBuilder out = new StringBuilder(result.candidateName());
    int count = 0;
    for (Difference difference : result.differences()) {
      if (count++ == LOGGED_DIFFERENCES) {
        break;
      }
      out.append('|').append(INDEX.matcher(difference.path()).replaceAll("[*]"));
    }
    return out.toString();
  }

  /**
   * The differences for a log line: the first ten, and how many more there were.
   *
   * @param differences the differences
   * @return the text
   */
  public static String summary(List<Difference> differences) {
    if (differences.size() <= LOGGED_DIFFERENCES) {
      return differences.toString();
    }
    return differences.subList(0, LOGGED_DIFFERENCES) + " and " + (differences.size() - LOGGED_DIFFERENCES)
        + " more";
  }
}
