package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.parallelrun.diff.PathPattern.Segment;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compares two values path by path. Records, beans (public getters), maps, collections, arrays, {@link Optional}s
 * and Jackson {@link JsonNode}s become trees of maps, lists and leaves; JDK value types (strings, enums, dates, UUIDs)
 * are compared by their text, numbers by their written form or within a tolerance. The result lists the paths that
 * differ, such as {@code items[2].price: 10.00 ≠ 10.0}. Thread-safe.
 *
 * <pre>{@code
 * StructuralDiff diff = StructuralDiff.of(DiffOptions.builder().ignorePaths("meta.requestId").build());
 * List<Difference> differences = diff.diff(oldOrder, newOrder);
 * }</pre>
 */
public final class StructuralDiff {

  private static final StructuralDiff DEFAULT = new StructuralDiff(DiffOptions.defaults());

  private final DiffOptions options;

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
   */
  public List<Difference> diff(Object control, Object candidate) {
    if (control == candidate) {
      return List.of();
    }
    Walk walk = new Walk();
    walk.compare(toTree(control, 0), toTree(candidate, 0), 0);
    return List.copyOf(walk.out);
  }

  /**
   * Whether the two values have no difference.
   *
   * @param control the control's value
   * @param candidate the candidate's value
   * @return {@code true} when the values are {@code equals}, or when {@link #diff} would be empty
   */
  public boolean equivalent(Object control, Object candidate) {
    if (Objects.equals(control, candidate)) {
      return true;
    }
    Walk walk = new Walk(1);
    walk.compare(toTree(control, 0), toTree(candidate, 0), 0);
    return walk.out.isEmpty();
  }

  /**
   * Turns a value into the tree that is compared: maps with string keys, lists, and leaves ({@code null}, strings,
   * booleans, {@link BigDecimal} or {@link BigInteger} numbers, and objects that have no properties).
   *
   * @param value any value
   * @return its tree
   */
  public Object toTree(Object value) {
    return toTree(value, 0);
  }

  private Object toTree(Object value, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number number) {
      return normalizeNumber(number);
    }
    if (value instanceof Character || value instanceof Enum<?>) {
      return value instanceof Enum<?> e ? e.name() : value.toString();
    }
    if (depth >= options.maxDepth()) {
      return value;
    }
    if (value instanceof JsonNode node) {
      return fromJson(node);
    }
    if (value instanceof Optional<?> optional) {
      return toTree(optional.orElse(null), depth);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> tree = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        tree.put(String.valueOf(entry.getKey()), toTree(entry.getValue(), depth + 1));
      }
      return tree;
    }
    if (value instanceof Iterable<?> iterable) {
      List<Object> tree = new ArrayList<>();
      for (Object element : iterable) {
        tree.add(toTree(element, depth + 1));
      }
      return tree;
    }
    if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> tree = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        tree.add(toTree(Array.get(value, i), depth + 1));
      }
      return tree;
    }
    Class<?> type = value.getClass();
    String packageName = type.getPackageName();
    if (packageName.startsWith("java.") || packageName.startsWith("javax.")) {
      return value.toString();
    }
    if (type.isRecord()) {
      return fromRecord(value, depth);
    }
    return fromBean(value, depth);
  }

  private Object fromRecord(Object value, int depth) {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (RecordComponent component : value.getClass().getRecordComponents()) {
      Method accessor = component.getAccessor();
      try {
        accessor.setAccessible(true);
        tree.put(component.getName(), toTree(accessor.invoke(value), depth + 1));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return value;
      }
    }
    return tree;
  }

  private Object fromBean(Object value, int depth) {
    Map<String, Object> tree = new TreeMap<>();
    for (Method method : value.getClass().getMethods()) {
      String property = propertyName(method);
      if (property == null) {
        continue;
      }
      try {
        tree.put(property, toTree(method.invoke(value), depth + 1));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return value;
      }
    }
    return tree.isEmpty() ? value : tree;
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

  private static Object fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> tree = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        tree.put(field.getKey(), fromJson(field.getValue()));
      }
      return tree;
    }
    if (node.isArray()) {
      List<Object> tree = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        tree.add(fromJson(element));
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
    try {
      return new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      return number.toString();
    }
  }

  /** One comparison: the path being walked and the differences found. */
  private final class Walk {
    private final List<Difference> out = new ArrayList<>();
    private final int limit;
    private Segment[] path = new Segment[16];

    Walk() {
      this(options.maxDifferences());
    }

    Walk(int limit) {
      this.limit = limit;
    }

    void compare(Object control, Object candidate, int depth) {
      if (out.size() >= limit || options.isIgnored(path, depth)) {
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
      Walk probe = new Walk(1);
      probe.path = path.clone();
      probe.compare(left, right, depth);
      return probe.out.isEmpty();
    }

    private boolean leavesEqual(Object control, Object candidate) {
      if (control instanceof Number left && candidate instanceof Number right) {
        return numbersEqual(left, right);
      }
      return Objects.equals(control, candidate);
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
      out.add(new Difference(format(path, depth), control, candidate));
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
