package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.parallelrun.diff.PathPattern.Segment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compares two values path by path. Values become trees of maps, lists and leaves (built with
 * Jackson): records and beans as their properties as Jackson sees them (annotations included), maps, collections,
 * arrays, {@link Optional}s and Jackson {@link JsonNode}s as they are; JDK value types (strings, enums, dates, UUIDs)
 * are compared by their text, numbers by their written form or within a tolerance. The result lists the paths that
 * differ, such as {@code items[2].price: 10.00 ≠ 10.0}. Thread-safe.
 *
 * <p>Hostile values are bounded. An object met again on its own path (a cycle) becomes a {@link Marker} found by
 * identity, never followed; an object shared by several paths is converted once. A value is converted into at most
 * {@link DiffOptions#maxNodes()} nodes, and a comparison visits at most that many pairs of nodes (each pair of shared
 * sub-trees once): what lies beyond is reported as a difference that says it was not compared. Each value a
 * {@link Difference} holds is a bounded copy ({@link DiffOptions#maxValueBytes()}). A property that cannot be read
 * (a getter that throws), or a value nested too deeply for the stack, stops the conversion with a
 * {@link DiffException} that names the property, its class and its path; it is never turned into a leaf silently.
 *
 * <pre>{@code
 * StructuralDiff diff = StructuralDiff.of(DiffOptions.builder().ignorePaths("meta.requestId").build());
 * List<Difference> differences = diff.diff(oldOrder, newOrder);
 * }</pre>
 */
public final class StructuralDiff {

  private static final StructuralDiff DEFAULT = new StructuralDiff(DiffOptions.defaults());

  private final DiffOptions options;
  private final TreeBuilder trees;

  private StructuralDiff(DiffOptions options) {
    this.options = options;
    this.trees = new TreeBuilder(options);
  }

  /**
   * A diff with these options.
   *
   * @param options how to compare
   * @return the diff
   */
  public static StructuralDiff of(DiffOptions options) {
    return new StructuralDiff(Objects.requireNonNull(options, "options"));
  }

  /** A diff with {@link DiffOptions#defaults()}. */
  public static StructuralDiff defaults() {
    return DEFAULT;
  }

  /** The options of this diff. */
  public DiffOptions options() {
    return options;
  }

  /**
   * Lists the paths at which the two values differ, at most {@link DiffOptions#maxDifferences()} of them.
   *
   * @param control the control's value, possibly {@code null}
   * @param candidate the candidate's value, possibly {@code null}
   * @return the differences, empty when the values are equivalent
   * @throws DiffException when a getter or accessor of either value throws
   */
  public List<Difference> diff(Object control, Object candidate) {
    if (control == candidate) {
      return List.of();
    }
    Walk walk = new Walk(options.maxDifferences(), new int[1]);
    walk.compare(toTree(control), toTree(candidate), 0);
    return List.copyOf(walk.out);
  }

  /**
   * Whether the two values have no difference.
   *
   * @param control the control's value
   * @param candidate the candidate's value
   * @return {@code true} when the values are {@code equals}, or when {@link #diff} would be empty
   * @throws DiffException when a getter or accessor of either value throws
   */
  public boolean equivalent(Object control, Object candidate) {
    if (safeEquals(control, candidate)) {
      return true;
    }
    Walk walk = new Walk(1, new int[1]);
    walk.compare(toTree(control), toTree(candidate), 0);
    return walk.out.isEmpty();
  }

  /**
   * A difference at one path whose values are the two values' trees, bounded as every difference's values are. For
   * a comparison that has no finer paths, such as a value against an exception.
   *
   * @param path the path, such as {@code $}
   * @param control the control's side (any value)
   * @param candidate the candidate's side (any value)
   * @return the difference
   * @throws DiffException when a getter or accessor of either value throws
   */
  public Difference whole(String path, Object control, Object candidate) {
    return new Difference(path, bounded(toTree(control)), bounded(toTree(candidate)));
  }

  /**
   * Turns a value into the tree that is compared: maps with string keys, lists, and leaves ({@code null}, strings,
   * booleans, {@link BigDecimal} or {@link BigInteger} numbers, {@link Marker}s, and objects that have no
   * properties or lie deeper than {@link DiffOptions#maxDepth()}). Bounded by {@link DiffOptions#maxNodes()}.
   *
   * @param value any value
   * @return its tree
   * @throws DiffException when a property cannot be read, or the value is nested too deeply for the stack
   */
  public Object toTree(Object value) {
    return trees.build(value);
  }

  private Object bounded(Object tree) {
    if (tree == null || tree instanceof Boolean || tree instanceof Number || tree instanceof Marker
        || tree == Difference.ABSENT || (tree instanceof String s && 40L + 2L * s.length() <= options.maxValueBytes())) {
      return tree;
    }
    return BoundedTree.copy(tree, options.maxValueBytes()).value();
  }

  /** {@code equals}, with a failure (a recursive {@code equals} on a cyclic value, say) taken as "not equal". */
  static boolean safeEquals(Object left, Object right) {
    if (left == right) {
      return true;
    }
    try {
      return left != null && left.equals(right);
    } catch (Throwable t) {
      BoundedTree.rethrowIfFatal(t);
      return false;
    }
  }

  /** One comparison: the path being walked and the differences found. */
  private final class Walk {
    private final List<Difference> out = new ArrayList<>();
    private final int limit;
    /** Node pairs visited, shared with the probes of an unordered comparison: the comparison's time budget. */
    private final int[] steps;
    /** Pairs of containers already compared, by identity: a shared sub-tree is compared once. */
    private final Set<Pair> compared = new HashSet<>();
    private boolean stopped;
    private Segment[] path = new Segment[16];

    Walk(int limit, int[] steps) {
      this.limit = limit;
      this.steps = steps;
    }

    void compare(Object control, Object candidate, int depth) {
      if (out.size() >= limit || stopped || options.isIgnored(path, depth)) {
        return;
      }
      if (++steps[0] > options.maxNodes()) {
        stopped = true;
        add(depth, Marker.notCompared(options.maxNodes()), Marker.notCompared(options.maxNodes()));
        return;
      }
      boolean containers = (control instanceof Map<?, ?> || control instanceof List<?>)
          && (candidate instanceof Map<?, ?> || candidate instanceof List<?>);
      if (containers && !compared.add(new Pair(control, candidate))) {
        return;
      }
      if (control instanceof Map<?, ?> left && candidate instanceof Map<?, ?> right) {
        compareMaps(left, right, depth);
      } else if (control instanceof List<?> left && candidate instanceof List<?> right) {
        if (options.ignoreArrayOrder()) {
          compareUnordered(left, right, depth);
        } else {
          compareOrdered(left, right, depth);
        }
      } else if (!leavesEqual(control, candidate)) {
        add(depth, control, candidate);
      }
    }

    private void compareMaps(Map<?, ?> left, Map<?, ?> right, int depth) {
      for (Map.Entry<?, ?> entry : left.entrySet()) {
        String key = (String) entry.getKey();
        push(depth, Segment.key(key));
        Object other = right.containsKey(key) ? right.get(key) : Difference.ABSENT;
        if (other == Difference.ABSENT) {
          if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
            add(depth + 1, entry.getValue(), Difference.ABSENT);
          }
        } else {
          compare(entry.getValue(), other, depth + 1);
        }
      }
      for (Map.Entry<?, ?> entry : right.entrySet()) {
        String key = (String) entry.getKey();
        if (!left.containsKey(key)) {
          push(depth, Segment.key(key));
          if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
            add(depth + 1, Difference.ABSENT, entry.getValue());
          }
        }
      }
    }

    private void compareOrdered(List<?> left, List<?> right, int depth) {
      int common = Math.min(left.size(), right.size());
      for (int i = 0; i < common; i++) {
        push(depth, Segment.index(i));
        compare(left.get(i), right.get(i), depth + 1);
      }
      for (int i = common; i < left.size(); i++) {
        push(depth, Segment.index(i));
        if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
          add(depth + 1, left.get(i), Difference.ABSENT);
        }
      }
      for (int i = common; i < right.size(); i++) {
        push(depth, Segment.index(i));
        if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
          add(depth + 1, Difference.ABSENT, right.get(i));
        }
      }
    }

    private void compareUnordered(List<?> left, List<?> right, int depth) {
      boolean[] used = new boolean[right.size()];
      List<Integer> unmatchedLeft = new ArrayList<>();
      for (int i = 0; i < left.size(); i++) {
        push(depth, Segment.index(i));
        int found = -1;
        for (int j = 0; j < right.size() && found < 0; j++) {
          if (!used[j] && subtreeEqual(left.get(i), right.get(j), depth + 1)) {
            found = j;
          }
        }
        if (found >= 0) {
          used[found] = true;
        } else {
          unmatchedLeft.add(i);
        }
      }
      List<Integer> unmatchedRight = new ArrayList<>();
      for (int j = 0; j < right.size(); j++) {
        if (!used[j]) {
          unmatchedRight.add(j);
        }
      }
      int pairs = Math.min(unmatchedLeft.size(), unmatchedRight.size());
      for (int k = 0; k < pairs; k++) {
        push(depth, Segment.index(unmatchedLeft.get(k)));
        compare(left.get(unmatchedLeft.get(k)), right.get(unmatchedRight.get(k)), depth + 1);
      }
      for (int k = pairs; k < unmatchedLeft.size(); k++) {
        push(depth, Segment.index(unmatchedLeft.get(k)));
        if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
          add(depth + 1, left.get(unmatchedLeft.get(k)), Difference.ABSENT);
        }
      }
      for (int k = pairs; k < unmatchedRight.size(); k++) {
        push(depth, Segment.index(unmatchedRight.get(k)));
        if (!options.isIgnored(path, depth + 1) && out.size() < limit) {
          add(depth + 1, Difference.ABSENT, right.get(unmatchedRight.get(k)));
        }
      }
    }

    private boolean subtreeEqual(Object left, Object right, int depth) {
      Walk probe = new Walk(1, steps);
      probe.path = path.clone();
      probe.compare(left, right, depth);
      return probe.out.isEmpty();
    }

    private boolean leavesEqual(Object control, Object candidate) {
      if (control instanceof Number left && candidate instanceof Number right) {
        return numbersEqual(left, right);
      }
      return safeEquals(control, candidate);
    }

    private boolean numbersEqual(Number left, Number right) {
      BigDecimal tolerance = options.numericTolerance();
      if (tolerance == null) {
        return plain(left).equals(plain(right));
      }
      return decimal(left).subtract(decimal(right)).abs().compareTo(tolerance) <= 0;
    }

    private void push(int depth, Segment segment) {
      if (depth >= path.length) {
        path = Arrays.copyOf(path, path.length * 2);
      }
      path[depth] = segment;
    }

    private void add(int depth, Object control, Object candidate) {
      out.add(new Difference(format(path, depth), bounded(control), bounded(candidate)));
    }
  }

  /** Two tree nodes, equal by identity. */
  private record Pair(Object left, Object right) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Pair p && p.left == left && p.right == right;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(left) * 31 + System.identityHashCode(right);
    }
  }

  private static String plain(Number number) {
    return number instanceof BigDecimal d ? d.toPlainString() : number.toString();
  }

  private static BigDecimal decimal(Number number) {
    return number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
  }

  static String format(Segment[] path, int length) {
    if (length == 0) {
      return "$";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      Segment segment = path[i];
      if (segment.isIndex()) {
        text.append('[').append(segment.index()).append(']');
      } else if (isPlainKey(segment.key())) {
        if (i > 0) {
          text.append('.');
        }
        text.append(segment.key());
      } else {
        text.append("[\"").append(segment.key()).append("\"]");
      }
    }
    return text.toString();
  }

  private static boolean isPlainKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '$')) {
        return false;
      }
    }
    return !key.equals("*") && !key.equals("**");
  }

}
