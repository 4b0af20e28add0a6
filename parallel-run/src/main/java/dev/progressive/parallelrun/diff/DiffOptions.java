package dev.progressive.parallelrun.diff;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link StructuralDiff} compares two trees: paths to ignore, numeric tolerance, array order and how many
 * differences to keep. Immutable; build with {@link #builder()}.
 */
public final class DiffOptions {

  private static final DiffOptions DEFAULTS = builder().build();

  private final List<PathPattern> ignoredPaths;
  private final List<String> ignoredPathTexts;
  private final BigDecimal numericTolerance;
  private final boolean ignoreArrayOrder;
  private final int maxDifferences;
  private final int maxDepth;
  private final int maxNodes;
  private final int maxValueBytes;

  private DiffOptions(Builder builder) {
    this.ignoredPathTexts = List.copyOf(builder.ignoredPaths);
    List<PathPattern> patterns = new ArrayList<>();
    for (String text : ignoredPathTexts) {
      patterns.add(PathPattern.parse(text));
    }
    this.ignoredPaths = List.copyOf(patterns);
    this.numericTolerance = builder.numericTolerance;
    this.ignoreArrayOrder = builder.ignoreArrayOrder;
    this.maxDifferences = builder.maxDifferences;
    this.maxDepth = builder.maxDepth;
    this.maxNodes = builder.maxNodes;
    this.maxValueBytes = builder.maxValueBytes;
  }

  /** Exact comparison, arrays in order, no ignored path, at most 100 differences. */
  public static DiffOptions defaults() {
    return DEFAULTS;
  }

  /** Starts a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The ignored path patterns, as given. */
  public List<String> ignoredPaths() {
    return ignoredPathTexts;
  }

  /** The numeric tolerance, or {@code null} when numbers must be written the same way. */
  public BigDecimal numericTolerance() {
    return numericTolerance;
  }

  /** Whether arrays are compared as multisets. */
  public boolean ignoreArrayOrder() {
    return ignoreArrayOrder;
  }

  /** The most differences one comparison reports. */
  public int maxDifferences() {
    return maxDifferences;
  }

  /** How deep objects are turned into trees; deeper values are compared with {@code equals}. */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * How many nodes one value may have when it is turned into a tree, and how many pairs of nodes one comparison may
   * visit. Beyond it, the rest is not compared and the comparison reports a difference that says so.
   */
  public int maxNodes() {
    return maxNodes;
  }

  /** About how many bytes each value in a {@link Difference} may hold; larger values are truncated. */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  boolean isIgnored(PathPattern.Segment[] path, int length) {
    for (PathPattern pattern : ignoredPaths) {
      if (pattern.matchesPrefixOf(path, length)) {
        return true;
      }
    }
    return false;
  }

  /** Builds {@link DiffOptions}. Every setter checks its argument at once. */
  public static final class Builder {
    private final List<String> ignoredPaths = new ArrayList<>();
    private BigDecimal numericTolerance;
    private boolean ignoreArrayOrder;
    private int maxDifferences = 100;
    private int maxDepth = 32;
    private int maxNodes = 100_000;
    private int maxValueBytes = 2_048;

    private Builder() {
    }

    /**
     * Ignores paths and everything under them. A pattern is a path such as {@code meta.requestId}, where {@code *}
     * stands for any one field name, {@code [*]} for any index and {@code **} for any number of segments:
     * {@code items[*].id}, {@code *.timestamp}, {@code **.traceId}.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder ignorePaths(String... patterns) {
      Objects.requireNonNull(patterns, "patterns");
      for (String pattern : patterns) {
        PathPattern.parse(pattern);
        ignoredPaths.add(pattern);
      }
      return this;
    }

    /**
     * Numbers match when they differ by at most this much. Without a tolerance, numbers match only when written the
     * same way: {@code 10.00} and {@code 10.0} differ, as a client parsing the text would see.
     *
     * @param tolerance a non-negative absolute tolerance, such as {@code 0.001}
     * @return this builder
     */
    public Builder numericTolerance(BigDecimal tolerance) {
      Objects.requireNonNull(tolerance, "tolerance");
      if (tolerance.signum() < 0) {
        throw new IllegalArgumentException("numericTolerance must not be negative, was " + tolerance);
      }
      this.numericTolerance = tolerance;
      return this;
    }

    /**
     * Compares arrays as multisets: each control element is paired with an equal candidate element wherever it is.
     *
     * @param ignore whether order is ignored
     * @return this builder
     */
    public Builder ignoreArrayOrder(boolean ignore) {
      this.ignoreArrayOrder = ignore;
      return this;
    }

    /**
     * Caps the differences one comparison reports, which bounds the memory a mismatch keeps.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxDifferences(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxDifferences must be at least 1, was " + max);
      }
      this.maxDifferences = max;
      return this;
    }

    /**
     * Caps how many nodes a value may have when it is turned into a tree, and how many node pairs one comparison may
     * visit, which bounds its time and memory. What lies beyond is not compared, and the comparison reports a
     * difference that says so (never a match).
     *
     * @param max at least 1; 100,000 by default
     * @return this builder
     */
    public Builder maxNodes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxNodes must be at least 1, was " + max);
      }
      this.maxNodes = max;
      return this;
    }

    /**
     * Caps the estimated bytes of each value a {@link Difference} keeps (the values on each side of a path). A larger
     * value is truncated, and the truncation is marked in it.
     *
     * @param max at least 64; 2,048 by default
     * @return this builder
     */
    public Builder maxValueBytes(int max) {
      if (max < 64) {
        throw new IllegalArgumentException("maxValueBytes must be at least 64, was " + max);
      }
      this.maxValueBytes = max;
      return this;
    }

    /**
     * Caps how deep objects are turned into trees; deeper values are compared with their {@code equals}. Cycles are
     * found by identity whatever the depth.
     *
     * @param depth at least 1
     * @return this builder
     */
    public Builder maxDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException("maxDepth must be at least 1, was " + depth);
      }
      this.maxDepth = depth;
      return this;
    }

    /** Builds the options. */
    public DiffOptions build() {
      return new DiffOptions(this);
    }
  }
}
