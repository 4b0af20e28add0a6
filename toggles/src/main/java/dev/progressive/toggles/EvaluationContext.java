package dev.progressive.toggles;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * What a flag is evaluated for: an optional targeting key (the stable id that bucketing hashes, usually a user or
 * tenant id) and named attributes that targeting rules read with {@code {"var": "name"}}.
 *
 * <p>Immutable, thread-safe and cheap: build one per request, or keep one per user and reuse it. Attribute values are
 * {@code String}, {@code Boolean}, {@code Number}, {@code List}, {@code Map} or {@code null}; a dotted path such as
 * {@code user.email} reads into nested maps. Setting an attribute again replaces its value and keeps its place.
 *
 * <pre>{@code
 * EvaluationContext ctx = EvaluationContext.builder()
 *     .targetingKey("user-42")
 *     .attribute("email", "ada@example.com")
 *     .attribute("tier", "gold")
 *     .build();
 * }</pre>
 *
 * <p>Storage is flat and sized for the usual few attributes: the first {@value #INLINE} are fields of the context
 * itself and are found by a linear scan, the rest share one array of names and values. {@link Builder#build()}
 * copies nothing, so a context with a targeting key and up to three attributes is one 48-byte object.
 */
public final class EvaluationContext {

  /** How many attributes live in fields of the context; the rest go into {@link #more}. */
  static final int INLINE = 3;

  private static final EvaluationContext EMPTY =
      new EvaluationContext(null, 0, null, null, null, null, null, null, null);

  private final String targetingKey;
  private final int size;
  private final String name0;
  private final String name1;
  private final String name2;
  private final Object value0;
  private final Object value1;
  private final Object value2;
  /**
   * The attributes after the first {@value #INLINE}: name at {@code 2i}, value at {@code 2i + 1}; null when there are
   * none. Possibly longer than needed; never written after it is handed to a context.
   */
  private final Object[] more;

  private EvaluationContext(String targetingKey, int size, String name0, Object value0, String name1, Object value1,
      String name2, Object value2, Object[] more) {
    this.targetingKey = targetingKey;
    this.size = size;
    this.name0 = name0;
    this.value0 = value0;
    this.name1 = name1;
    this.value1 = value1;
    this.name2 = name2;
    this.value2 = value2;
    this.more = more;
  }

  /** The context with no targeting key and no attributes. */
  public static EvaluationContext empty() {
    return EMPTY;
  }

  /** A context with only a targeting key. */
  public static EvaluationContext of(String targetingKey) {
    return new EvaluationContext(targetingKey, 0, null, null, null, null, null, null, null);
  }

  /**
   * A context with a targeting key (may be null) and a copy of the given attributes.
   *
   * @throws IllegalArgumentException when a name is null or empty
   */
  public static EvaluationContext of(String targetingKey, Map<String, ?> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    Builder builder = new Builder().targetingKey(targetingKey);
    for (Map.Entry<String, ?> e : attributes.entrySet()) {
      builder.attribute(e.getKey(), e.getValue());
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The targeting key, or null when there is none. */
  public String targetingKey() {
    return targetingKey;
  }

  /** One attribute by its top-level name, or null. {@code "targetingKey"} answers the targeting key. */
  public Object attribute(String name) {
    int i = indexOf(name);
    Object value = i < 0 ? null : valueAt(i);
    if (value == null && targetingKey != null && "targetingKey".equals(name)) {
      return targetingKey;
    }
    return value;
  }

  /** All attributes in the order they were first set, unmodifiable, without the targeting key. */
  public Map<String, Object> attributes() {
    return size == 0 ? Map.of() : new Attributes(this);
  }

  private int indexOf(String name) {
    int n = size;
    if (n == 0 || name == null) {
      return -1;
    }
    if (name.equals(name0)) {
      return 0;
    }
    if (n > 1 && name.equals(name1)) {
      return 1;
    }
    if (n > 2 && name.equals(name2)) {
      return 2;
    }
    return n > INLINE ? Overflow.indexOf(more, n - INLINE, name) : -1;
  }

  private String nameAt(int i) {
    return switch (i) {
      case 0 -> name0;
      case 1 -> name1;
      case 2 -> name2;
      default -> (String) more[2 * (i - INLINE)];
    };
  }

  private Object valueAt(int i) {
    return switch (i) {
      case 0 -> value0;
      case 1 -> value1;
      case 2 -> value2;
      default -> more[2 * (i - INLINE) + 1];
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluationContext other
        && Objects.equals(targetingKey, other.targetingKey)
        && attributes().equals(other.attributes());
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetingKey, attributes());
  }

  @Override
  public String toString() {
    return "EvaluationContext{targetingKey=" + targetingKey + ", attributes=" + attributes().keySet() + "}";
  }

  /** The attributes past the inline ones: a names-and-values array that grows by doubling. */
  private static final class Overflow {
    private Overflow() {}

    /** The index, counted from the first attribute, of a name among {@code count} overflow ones, or -1. */
    static int indexOf(Object[] more, int count, String name) {
      for (int j = 0; j < count; j++) {
        if (name.equals(more[2 * j])) {
          return INLINE + j;
        }
      }
      return -1;
    }

    /**
     * Puts a name and value into the overflow array and returns the array to keep: the same one, or a copy when it
     * is full or {@code shared} with a built context.
     *
     * @param at the index of the name among all attributes when it is already there, else -1
     */
    static Object[] put(Object[] more, int count, boolean shared, int at, String name, Object value) {
      Object[] m = more;
      if (m == null) {
        m = new Object[2 * 4];
      } else if (at < 0 && 2 * count == m.length) {
        m = Arrays.copyOf(m, 2 * m.length);
      } else if (shared) {
        m = m.clone();
      }
      if (at >= 0) {
        m[2 * (at - INLINE) + 1] = value;
      } else {
        m[2 * count] = name;
        m[2 * count + 1] = value;
      }
      return m;
    }
  }

  /** A read-only view of a context's attributes; made on demand, holds nothing of its own. */
  private static final class Attributes extends AbstractMap<String, Object> {
    private final EvaluationContext context;

    Attributes(EvaluationContext context) {
      this.context = context;
    }

    @Override
    public int size() {
      return context.size;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String s && context.indexOf(s) >= 0;
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof String s)) {
        return null;
      }
      int i = context.indexOf(s);
      return i < 0 ? null : context.valueAt(i);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return context.size;
        }

        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < context.size;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= context.size) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(context.nameAt(i), context.valueAt(i));
            }
          };
        }
      };
    }
  }

  /**
   * Builds an {@link EvaluationContext}. Not thread-safe; build one per thread. A builder may go on after
   * {@link #build()}: what it adds later does not change the contexts already built.
   */
  public static final class Builder {
    private String targetingKey;
    private int size;
    private String name0;
    private String name1;
    private String name2;
    private Object value0;
    private Object value1;
    private Object value2;
    private Object[] more;
    /** Whether {@link #more} belongs to a built context too, so that it must be copied before it is written. */
    private boolean shared;

    private Builder() {}

    public Builder targetingKey(String targetingKey) {
      this.targetingKey = targetingKey;
      return this;
    }

    /**
     * Adds an attribute, or replaces the value of one of that name.
     *
     * @throws IllegalArgumentException when the name is null or empty
     */
    public Builder attribute(String name, Object value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("attribute name must not be null or empty");
      }
      int n = size;
      if (n > 0 && name.equals(name0)) {
        value0 = value;
      } else if (n > 1 && name.equals(name1)) {
        value1 = value;
      } else if (n > 2 && name.equals(name2)) {
        value2 = value;
      } else if (n == 0) {
        name0 = name;
        value0 = value;
        size = 1;
      } else if (n == 1) {
        name1 = name;
        value1 = value;
        size = 2;
      } else if (n == 2) {
        name2 = name;
        value2 = value;
        size = 3;
      } else {
        int at = more == null ? -1 : Overflow.indexOf(more, n - INLINE, name);
        more = Overflow.put(more, n - INLINE, shared, at, name, value);
        shared = false;
        if (at < 0) {
          size = n + 1;
        }
      }
      return this;
    }

    public EvaluationContext build() {
      if (size == 0 && targetingKey == null) {
        return EMPTY;
      }
      if (more != null) {
        shared = true;
      }
      return new EvaluationContext(targetingKey, size, name0, value0, name1, value1, name2, value2, more);
    }
  }
}
