package dev.progressive.parallelrun.diff;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounded copies and renderings of compared trees, so that what a report keeps or prints has a known size whatever
 * the value was. Sizes are estimates of heap bytes (a string counts 40 bytes plus 2 a character, a map entry 48, a
 * list slot 8, other leaves 16 to 48); they are meant to bound memory, not to measure it.
 */
public final class BoundedTree {

  private static final int MAX_LEAF_TEXT = 200;
  private static final int MAX_NESTING = 64;

  private BoundedTree() {
  }

  /**
   * A copy of a value that is at most about {@code maxBytes} large.
   *
   * @param value what was copied, possibly truncated: strings cut with a note, maps and lists ending in a
   *     {@link Marker} of kind {@link Marker.Kind#TRUNCATED}, other objects replaced by their (bounded) text
   * @param truncated whether anything was left out
   * @param bytes the estimated size of the copy
   */
  public record Copy(Object value, boolean truncated, long bytes) {
  }

  /**
   * Copies a tree (maps, lists and leaves, as {@link StructuralDiff#toTree} makes them) within a byte budget.
   * Strings, numbers, booleans, characters, enums and markers are kept as they are when they fit; any other object
   * is kept as its text, at most 200 characters, and a {@code toString} that throws is described instead.
   *
   * @param value a tree or a leaf
   * @param maxBytes the budget, at least 64
   * @return the copy
   */
  public static Copy copy(Object value, long maxBytes) {
    Copier copier = new Copier(Math.max(64, maxBytes));
    Object copied = copier.copy(value, 0);
    return new Copy(copied, copier.truncated, copier.used);
  }

  /**
   * Renders a tree as text of at most about {@code maxChars} characters, with an ellipsis when it was cut. Never
   * throws for a {@code toString} that fails or recurses: such a leaf is described by its class instead.
   *
   * @param value a tree or a leaf
   * @param maxChars the most characters
   * @return the text
   */
  public static String render(Object value, int maxChars) {
    StringBuilder out = new StringBuilder();
    appendTo(out, value, maxChars, 0, true);
    if (out.length() > maxChars) {
      out.setLength(maxChars);
      out.append('…');
    }
    return out.toString();
  }

  private static void appendTo(StringBuilder out, Object value, int maxChars, int nesting, boolean top) {
    if (out.length() > maxChars) {
      return;
    }
    if (value == Difference.ABSENT) {
      out.append("(absent)");
    } else if (value instanceof String s) {
      if (top) {
        out.append('"');
      }
      out.append(s, 0, Math.min(s.length(), maxChars + 1));
      if (top) {
        out.append('"');
      }
    } else if (value instanceof BigDecimal d) {
      out.append(d.toPlainString());
    } else if (value instanceof Map<?, ?> map) {
      if (nesting >= MAX_NESTING) {
        out.append("{…}");
        return;
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (out.length() > maxChars) {
          return;
        }
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(safeText(entry.getKey())).append('=');
        appendTo(out, entry.getValue(), maxChars, nesting + 1, false);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      if (nesting >= MAX_NESTING) {
        out.append("[…]");
        return;
      }
      out.append('[');
      boolean first = true;
      for (Object element : list) {
        if (out.length() > maxChars) {
          return;
        }
        if (!first) {
          out.append(", ");
        }
        first = false;
        appendTo(out, element, maxChars, nesting + 1, false);
      }
      out.append(']');
    } else {
      out.append(safeText(value));
    }
  }

  /**
   * The text of a leaf, at most 200 characters; a {@code toString} that throws (or overflows the stack) is described
   * by the class and the failure instead. Errors the JVM cannot survive are rethrown.
   *
   * @param value any value
   * @return its text
   */
  public static String safeText(Object value) {
    String text;
    try {
      text = String.valueOf(value);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      text = "(" + value.getClass().getName() + ": toString threw " + t.getClass().getName() + ")";
    }
    return text.length() <= MAX_LEAF_TEXT ? text : text.substring(0, MAX_LEAF_TEXT) + "…";
  }

  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
      throw (VirtualMachineError) t;
    }
  }

  /** One bounded copy. */
  private static final class Copier {
    private final long budget;
    private long used;
    private boolean truncated;

    Copier(long budget) {
      this.budget = budget;
    }

    private long left() {
      return budget - used;
    }

    Object copy(Object value, int nesting) {
      if (value == null || value instanceof Boolean || value == Difference.ABSENT || value instanceof Enum<?>) {
        used += 8;
        return value;
      }
      if (value instanceof Marker) {
        used += 32;
        return value;
      }
      if (value instanceof Number || value instanceof Character) {
        used += value instanceof BigDecimal || value instanceof java.math.BigInteger ? 48 : 16;
        return value;
      }
      if (value instanceof String s) {
        return copyString(s);
      }
      if (value instanceof Map<?, ?> map) {
        return copyMap(map, nesting);
      }
      if (value instanceof List<?> list) {
        return copyList(list, nesting);
      }
      return copyString(safeText(value));
    }

    private String copyString(String s) {
      long size = 40L + 2L * s.length();
      if (size <= left()) {
        used += size;
        return s;
      }
      truncated = true;
      int keep = (int) Math.max(0, Math.min(s.length(), (left() - 120) / 2));
      String cut = s.substring(0, keep) + "…(truncated: " + (s.length() - keep) + " more characters)";
      used += 40L + 2L * cut.length();
      return cut;
    }

    private Object copyMap(Map<?, ?> map, int nesting) {
      if (nesting >= MAX_NESTING || left() < 64) {
        truncated = true;
        used += 32;
        return Marker.truncated("a map of " + map.size() + " entries");
      }
      used += 64;
      Map<String, Object> copy = new LinkedHashMap<>();
      int done = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = safeText(entry.getKey());
        long keySize = 48L + 40L + 2L * key.length();
        if (left() < keySize + 48) {
          truncated = true;
          copy.put("…", Marker.truncated((map.size() - done) + " more entries"));
          used += 80;
          break;
        }
        used += keySize;
        copy.put(key, copy(entry.getValue(), nesting + 1));
        done++;
      }
      return copy;
    }

    private Object copyList(List<?> list, int nesting) {
      if (nesting >= MAX_NESTING || left() < 64) {
        truncated = true;
        used += 32;
        return Marker.truncated("a list of " + list.size() + " elements");
      }
      used += 40;
      List<Object> copy = new ArrayList<>();
      int done = 0;
      for (Object element : list) {
        if (left() < 56) {
          truncated = true;
          copy.add(Marker.truncated((list.size() - done) + " more elements"));
          used += 40;
          break;
        }
        used += 8;
        copy.add(copy(element, nesting + 1));
        done++;
      }
      return copy;
    }
  }
}
