package dev.progressive.toggles.internal.logic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code var}, {@code missing} and {@code missing_some}: reading the data.
 *
 * <p>A path is split on dots; each step reads a map entry, a list index (or {@code length}) or a string's character.
 * At the top level the data is a {@link RootData}: its first step reads an attribute, {@code targetingKey} the
 * targeting key and {@code $flagd} the flag key and timestamp. As in json-logic-js, a missing step gives the default
 * (or null), while a present null value at the end of the path is returned as null.
 */
final class VarOps {

  /** Marks a step that found nothing (JS undefined). Never leaves this class. */
  private static final Object UNDEFINED = new Object();

  static final String TARGETING_KEY = "targetingKey";
  static final String FLAGD = "$flagd";

  private VarOps() {}

  /** The index that a path step denotes on a list, or -1: canonical non-negative integers only, as JS does. */
  static int indexOf(String key) {
    int n = key.length();
    if (n == 0 || n > 9 || (n > 1 && key.charAt(0) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The top-level value of a name in the root data, or null. */
  static Object rootAttribute(RootData root, String name) {
    if (TARGETING_KEY.equals(name)) {
      String key = root.targetingKey();
      return key != null ? key : root.attribute(name);
    }
    if (FLAGD.equals(name)) {
      return flagdProperties(root);
    }
    return root.attribute(name);
  }

  static Map<String, Object> flagdProperties(RootData root) {
    Map<String, Object> flagd = new LinkedHashMap<>(4);
    flagd.put("flagKey", root.flagKey());
    flagd.put("timestamp", root.timestampSeconds());
    return Collections.unmodifiableMap(flagd);
  }

  /** One step of a path into a value; {@link #UNDEFINED} when there is nothing there. */
  private static Object step(Object current, String key, int index) {
    if (current instanceof Map<?, ?> map) {
      Object v = map.get(key);
      return v != null || map.containsKey(key) ? v : UNDEFINED;
    }
    if (current instanceof List<?> list) {
      if (index >= 0) {
        return index < list.size() ? list.get(index) : UNDEFINED;
      }
      return "length".equals(key) ? (Object) list.size() : UNDEFINED;
    }
    if (current instanceof String s) {
      if (index >= 0) {
        return index < s.length() ? String.valueOf(s.charAt(index)) : UNDEFINED;
      }
      return "length".equals(key) ? (Object) s.length() : UNDEFINED;
    }
    if (current instanceof RootData root) {
      Object v = rootAttribute(root, key);
      return v != null ? v : UNDEFINED;
    }
    return UNDEFINED;
  }

  /** Reads a pre-split path; {@link #UNDEFINED} when a step finds nothing. */
  private static Object read(Object data, String[] keys, int[] indexes) {
    Object current = data;
    for (int i = 0; i < keys.length; i++) {
      if (current == null) {
        return UNDEFINED;
      }
      current = step(current, keys[i], indexes[i]);
      if (current == UNDEFINED) {
        return UNDEFINED;
      }
    }
    return current;
  }

  /** Whether a {@code var} argument means "the whole data": absent, null or the empty string. */
  static boolean isWholeData(Object path) {
    return path == null || (path instanceof String s && s.isEmpty());
  }

  /** Reads a path given as a value (JS {@code String(path)} split on dots); null when absent. */
  static Object lookup(Object data, Object path) {
    if (isWholeData(path)) {
      return data;
    }
    String text = JavaScriptSemantics.toJsString(path);
    Budget.chargeLength(text.length());
    String[] keys = text.split("\\.", -1);
    int[] indexes = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      indexes[i] = indexOf(keys[i]);
    }
    Object v = read(data, keys, indexes);
    return v == UNDEFINED ? null : v;
  }

  /** {@code var} with a path known at compile time, the common case. Allocates nothing on maps and root data. */
  static final class Path extends Expr {
    private final String[] keys;
    private final int[] indexes;
    private final Expr fallback;
    /** Whether the first step, on root data, is a plain attribute or {@code targetingKey}/{@code $flagd}. */
    private final int first;
    private static final int PLAIN = 0;
    private static final int SPECIAL = 1;

    /**
     * @param path the dotted path, not empty
     * @param fallback the default when nothing is there, or null for null
     */
    Path(String path, Expr fallback) {
      this.keys = path.split("\\.", -1);
      this.indexes = new int[keys.length];
      for (int i = 0; i < keys.length; i++) {
        // Interned: callers name attributes with literals, so map lookups find the very same instance.
        keys[i] = keys[i].intern();
        indexes[i] = indexOf(keys[i]);
      }
      this.fallback = fallback;
      this.first = TARGETING_KEY.equals(keys[0]) || FLAGD.equals(keys[0]) ? SPECIAL : PLAIN;
    }

    @Override
    public Object eval(Object data) {
      Object current;
      int i;
      if (data instanceof RootData root) {
        current = first == PLAIN ? root.attribute(keys[0]) : rootAttribute(root, keys[0]);
        if (current == null) {
          return fallback == null ? null : fallback.eval(data);
        }
        i = 1;
      } else {
        current = data;
        i = 0;
      }
      for (; i < keys.length; i++) {
        if (current instanceof Map<?, ?> map) {
          Object v = map.get(keys[i]);
          if (v == null && !map.containsKey(keys[i])) {
            current = UNDEFINED;
            break;
          }
          current = v;
        } else if (current == null) {
          current = UNDEFINED;
          break;
        } else {
          current = step(current, keys[i], indexes[i]);
          if (current == UNDEFINED) {
            break;
          }
        }
      }
      if (current == UNDEFINED) {
        return fallback == null ? null : fallback.eval(data);
      }
      return current;
    }
  }

  /** {@code var} with no path: the whole data. */
  static final class Whole extends Expr {
    @Override
    public Object eval(Object data) {
      return data;
    }
  }

  /** {@code var} whose path is computed by a rule. */
  static final class Dynamic extends Expr {
    private final Expr path;
    private final Expr fallback;

    Dynamic(Expr path, Expr fallback) {
      this.path = path;
      this.fallback = fallback;
    }

    @Override
    public Object eval(Object data) {
      Object varPath = path.eval(data);
      if (isWholeData(varPath)) {
        return data;
      }
      String text = JavaScriptSemantics.toJsString(varPath);
      Budget.chargeLength(text.length());
      String[] keys = text.split("\\.", -1);
      int[] indexes = new int[keys.length];
      for (int i = 0; i < keys.length; i++) {
        indexes[i] = indexOf(keys[i]);
      }
      Object v = read(data, keys, indexes);
      if (v == UNDEFINED) {
        return fallback == null ? null : fallback.eval(data);
      }
      return v;
    }
  }

  /** {@code {"var": "$flagd.flagKey"}} at the top level of an evaluator, which flags share: read at evaluation. */
  static final class FlagKey extends Expr {
    @Override
    public Object eval(Object data) {
      if (data instanceof RootData root) {
        return root.flagKey();
      }
      return lookup(data, "$flagd.flagKey");
    }
  }

  /** {@code {"var": "$flagd.timestamp"}} at the top level: the evaluation time in seconds. */
  static final class Timestamp extends Expr {
    @Override
    public Object eval(Object data) {
      if (data instanceof RootData root) {
        return root.timestampSeconds();
      }
      return lookup(data, "$flagd.timestamp");
    }
  }

  /** The keys among the given ones whose value is null, absent or "". */
  static List<Object> missing(Object data, List<?> keys) {
    Budget.chargeLength(keys.size());
    List<Object> out = null;
    for (int i = 0, n = keys.size(); i < n; i++) {
      Object key = keys.get(i);
      Object v = lookup(data, key);
      if (v == null || (v instanceof String s && s.isEmpty())) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(key);
      }
    }
    return out == null ? List.of() : out;
  }

  /** {@code missing}: the first argument when it is an array, else all the arguments, are the keys. */
  static final class Missing extends Expr {
    private final Expr[] args;

    Missing(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      Object[] values = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = args[i].eval(data);
      }
      if (values.length > 0 && values[0] instanceof List<?> list) {
        return missing(data, list);
      }
      return missing(data, java.util.Arrays.asList(values));
    }
  }

  /** {@code missing_some}: [] when at least {@code need} of the keys are present, else the missing ones. */
  static final class MissingSome extends Expr {
    private final Expr need;
    private final Expr keys;

    MissingSome(Expr need, Expr keys) {
      this.need = need;
      this.keys = keys;
    }

    @Override
    public Object eval(Object data) {
      double needed = JavaScriptSemantics.toNumber(need.eval(data));
      Object options = keys.eval(data);
      List<?> list = options instanceof List<?> l ? l : options == null ? List.of() : List.of(options);
      List<Object> missing = missing(data, list);
      if (list.size() - missing.size() >= needed) {
        return List.of();
      }
      return missing;
    }
  }
}
