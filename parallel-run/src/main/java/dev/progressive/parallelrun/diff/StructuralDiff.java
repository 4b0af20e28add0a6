package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.parallelrun.diff.PathPattern.Segment;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares two values path by path. Records, beans (public getters), maps, collections, arrays, {@link Optional}s
 * and Jackson {@link JsonNode}s become trees of maps, lists and leaves; JDK value types (strings, enums, dates, UUIDs)
 * are compared by their text, numbers by their written form or within a tolerance. The result lists the paths that
 * differ, such as {@code items[2].price: 10.00 ≠ 10.0}. Thread-safe.
 *
 * <p>Hostile values are bounded. An object met again on its own path (a cycle) becomes a {@link Marker} found by
 * identity, never followed; an object shared by several paths is converted once. A value is converted into at most
 * {@link DiffOptions#maxNodes()} nodes, and a comparison visits at most that many pairs of nodes (each pair of shared
 * sub-trees once): what lies beyond is reported as a difference that says it was not compared. Each value a
 * {@link Difference} holds is a bounded copy ({@link DiffOptions#maxValueBytes()}). A getter or accessor that throws
 * stops the conversion with a {@link DiffException} that names it; it is never turned into a leaf silently.
 *
 * <pre>{@code
 * StructuralDiff diff = StructuralDiff.of(DiffOptions.builder().ignorePaths("meta.requestId").build());
 * List<Difference> differences = diff.diff(oldOrder, newOrder);
 * }</pre>
 */
public final class StructuralDiff {

  private static final StructuralDiff DEFAULT = new StructuralDiff(DiffOptions.defaults());

  private final DiffOptions options;
  private final ClassValue<Accessor[]> accessors = new ClassValue<>() {
    @Override
    protected Accessor[] computeValue(Class<?> type) {
      return type.isRecord() ? recordAccessors(type) : beanAccessors(type);
    }
  };

  private StructuralDiff(DiffOptions options) {
    this.options = options;
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
   * @throws DiffException when a getter or accessor throws
   */
  public Object toTree(Object value) {
    return new Converter().convert(value, 0);
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

  /** Reads one property of an object. */
  private record Accessor(String name, Method method) {
  }

  private static Accessor[] recordAccessors(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Accessor[] out = new Accessor[components.length];
    for (int i = 0; i < components.length; i++) {
      Method method = components[i].getAccessor();
      method.trySetAccessible();
      out[i] = new Accessor(components[i].getName(), method);
    }
    return out;
  }

  private static Accessor[] beanAccessors(Class<?> type) {
    TreeMap<String, Method> byName = new TreeMap<>();
    for (Method method : type.getMethods()) {
      String property = propertyName(method);
      if (property != null) {
        method.trySetAccessible();
        byName.putIfAbsent(property, method);
      }
    }
    List<Accessor> out = new ArrayList<>();
    byName.forEach((name, method) -> out.add(new Accessor(name, method)));
    return out.toArray(new Accessor[0]);
  }

  private static String propertyName(Method method) {
    if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
        || method.getDeclaringClass() == Object.class || method.getReturnType() == void.class) {
      return null;
    }
    String name = method.getName();
    if (name.startsWith("get") && name.length() > 3) {
      return Character.toLowerCase(name.charAt(3)) + name.substring(4);
    }
    if (name.startsWith("is") && name.length() > 2
        && (method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class)) {
      return Character.toLowerCase(name.charAt(2)) + name.substring(3);
    }
    return null;
  }

  /**
   * Turns one value into a tree. Objects on the current path are tracked by identity (a cycle becomes a
   * {@link Marker}); finished objects are remembered by identity, so that a shared sub-graph is converted once.
   */
  private final class Converter {
    private final IdentityHashMap<Object, Integer> onPath = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Object> converted = new IdentityHashMap<>();
    private int nodes;

    Object convert(Object value, int depth) {
      if (value == null || value instanceof String || value instanceof Boolean) {
        nodes++;
        return value;
      }
      if (++nodes > options.maxNodes()) {
        return Marker.notCompared(options.maxNodes());
      }
      if (value instanceof Number number) {
        return normalizeNumber(number);
      }
      if (value instanceof Character || value instanceof Enum<?>) {
        return value instanceof Enum<?> e ? e.name() : value.toString();
      }
      Integer seenAt = onPath.get(value);
      if (seenAt != null) {
        return Marker.cycle(depth - seenAt);
      }
      Object done = converted.get(value);
      if (done != null) {
        return done;
      }
      if (depth >= options.maxDepth()) {
        return new Opaque(value);
      }
      if (value instanceof Optional<?> optional) {
        return convert(optional.orElse(null), depth);
      }
      Class<?> type = value.getClass();
      boolean container = value instanceof JsonNode || value instanceof Map<?, ?> || value instanceof Iterable<?>
          || type.isArray();
      String packageName = type.getPackageName();
      if (!container && (packageName.startsWith("java.") || packageName.startsWith("javax."))) {
        return BoundedTree.safeText(value);
      }
      onPath.put(value, depth);
      try {
        Object tree = container ? fromContainer(value, depth) : fromProperties(value, type, depth);
        converted.put(value, tree);
        return tree;
      } finally {
        onPath.remove(value);
      }
    }

    private boolean full() {
      return nodes >= options.maxNodes();
    }

    private Object fromContainer(Object value, int depth) {
      if (value instanceof JsonNode node) {
        return fromJson(node, depth);
      }
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (full()) {
            tree.put("…", Marker.notCompared(options.maxNodes()));
            break;
          }
          tree.put(BoundedTree.safeText(entry.getKey()), convert(entry.getValue(), depth + 1));
        }
        return tree;
      }
      List<Object> tree = new ArrayList<>();
      if (value instanceof Iterable<?> iterable) {
        for (Object element : iterable) {
          if (full()) {
            tree.add(Marker.notCompared(options.maxNodes()));
            break;
          }
          tree.add(convert(element, depth + 1));
        }
        return tree;
      }
      int length = Array.getLength(value);
      for (int i = 0; i < length; i++) {
        if (full()) {
          tree.add(Marker.notCompared(options.maxNodes()));
          break;
        }
        tree.add(convert(Array.get(value, i), depth + 1));
      }
      return tree;
    }

    private Object fromProperties(Object value, Class<?> type, int depth) {
      Accessor[] properties = accessors.get(type);
      if (properties.length == 0) {
        return value;
      }
      Map<String, Object> tree = new LinkedHashMap<>();
      for (Accessor accessor : properties) {
        Object property;
        try {
          property = accessor.method().invoke(value);
        } catch (IllegalAccessException | RuntimeException e) {
          // Not readable from here (a class of a module that is not open): compared as a whole, with equals.
          return value;
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          BoundedTree.rethrowIfFatal(cause);
          throw new DiffException("Could not read " + type.getName() + "." + accessor.method().getName()
              + "(): it threw " + BoundedTree.safeText(cause), cause);
        }
        tree.put(accessor.name(), convert(property, depth + 1));
      }
      return tree;
    }

    private Object fromJson(JsonNode node, int depth) {
      if (node.isNull() || node.isMissingNode()) {
        return null;
      }
      if (node.isObject()) {
        Map<String, Object> tree = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
          if (full()) {
            tree.put("…", Marker.notCompared(options.maxNodes()));
            break;
          }
          Map.Entry<String, JsonNode> field = fields.next();
          tree.put(field.getKey(), convert(field.getValue(), depth + 1));
        }
        return tree;
      }
      if (node.isArray()) {
        List<Object> tree = new ArrayList<>(Math.min(node.size(), 1024));
        for (JsonNode element : node) {
          if (full()) {
            tree.add(Marker.notCompared(options.maxNodes()));
            break;
          }
          tree.add(convert(element, depth + 1));
        }
        return tree;
      }
      if (node.isNumber()) {
        return normalizeNumber(node.numberValue());
      }
      if (node.isBoolean()) {
        return node.booleanValue();
      }
      return node.asText();
    }
  }

  private static Object normalizeNumber(Number number) {
    if (number instanceof BigDecimal || number instanceof BigInteger) {
      return number;
    }
    if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
      return BigInteger.valueOf(number.longValue());
    }
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return number.toString();
      }
      return number instanceof Float ? new BigDecimal(number.toString()) : BigDecimal.valueOf(d);
    }
    String text = BoundedTree.safeText(number);
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return text;
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

  /**
   * A value deeper than {@link DiffOptions#maxDepth()}, kept whole: compared with its {@code equals} (a failure, such
   * as an overflow on a deep or cyclic value, counts as "not equal") and shown by its bounded text. Never walked.
   */
  private static final class Opaque {
    private final Object value;

    Opaque(Object value) {
      this.value = value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Opaque o && safeEquals(value, o.value);
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
