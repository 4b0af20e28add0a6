package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.type.ArrayType;
import com.fasterxml.jackson.databind.type.CollectionLikeType;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapLikeType;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a value into the tree that {@link StructuralDiff} compares, with Jackson: records and beans become maps of
 * their properties as Jackson sees them (record components, getters, public fields, Jackson annotations), and Jackson
 * writes the JDK types it knows (dates as ISO-8601 text, UUIDs, URIs). Every serializer Jackson picks is wrapped in a
 * guard, so that each value inside a record or bean comes back here: cycles are found by identity, a shared object is
 * converted once, depth and node count are bounded, and maps, collections, arrays, {@link Optional}s and
 * {@link JsonNode}s are walked here, within those bounds. A property that cannot be read fails the whole conversion
 * with a {@link DiffException} that names it. Thread-safe: the state of one conversion travels as a Jackson per-call
 * attribute.
 */
final class TreeBuilder {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new SimpleModule("progressive-structural-diff").setSerializerModifier(new Guarding()))
      // A bean that returns itself from a getter is a cycle, reported as a marker by the guard.
      .disable(SerializationFeature.FAIL_ON_SELF_REFERENCES)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      // Public accessors of public classes are called as they are, without setAccessible.
      .disable(MapperFeature.OVERRIDE_PUBLIC_ACCESS_MODIFIERS)
      .build();

  private final DiffOptions options;

  TreeBuilder(DiffOptions options) {
    this.options = options;
  }

  /**
   * The tree of one value.
   *
   * @throws DiffException when a property cannot be read, or the value cannot be turned into a tree at all
   */
  Object build(Object value) {
    Conversion conversion = new Conversion();
    try {
      return conversion.convert(value, 0);
    } catch (JsonMappingException e) {
      throw failure(value, e);
    } catch (IOException | RuntimeException e) {
      throw new DiffException("Could not turn " + typeOf(value) + " into a tree: " + BoundedTree.safeText(e), e);
    } catch (StackOverflowError e) {
      throw new DiffException("Could not turn " + typeOf(value) + " into a tree: it is nested too deeply for the"
          + " stack (maxDepth " + options.maxDepth() + ")", e);
    }
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : "a " + value.getClass().getName();
  }

  /** A failure that names the property, the class that has it, and the path from the root. */
  private static DiffException failure(Object value, JsonMappingException e) {
    Throwable cause = e;
    while (cause instanceof JsonMappingException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    StringBuilder path = new StringBuilder();
    String property = null;
    String owner = null;
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(reference.getFieldName());
        property = reference.getFieldName();
      } else {
        path.append('[').append(reference.getIndex()).append(']');
        property = null;
      }
      Object from = reference.getFrom();
      owner = from instanceof Class<?> c ? c.getName() : from == null ? null : from.getClass().getName();
    }
    String what = cause == e ? e.getOriginalMessage() : cause.getClass().getName() + ": " + cause.getMessage();
    String where = property != null && owner != null
        ? "reading \"" + property + "\" of " + owner + " (at " + path + ")"
        : path.length() > 0 ? "at " + path : "turning " + typeOf(value) + " into a tree";
    String message = "Could not compare: " + where + " failed with " + what;
    return new DiffException(message.length() > 500 ? message.substring(0, 500) + "…" : message, cause);
  }

  /** One conversion: the objects on the current path, those already converted, and the node count. */
  private final class Conversion {
    private final ObjectWriter writer = MAPPER.writer().withAttribute(Conversion.class, this);
    private final IdentityHashMap<Object, Integer> onPath = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Object> converted = new IdentityHashMap<>();
    private int nodes;
    /** The value Jackson is asked to write at the root of the current buffer, and its depth. */
    private Object root;
    private int rootDepth;

    private boolean full() {
      return nodes >= options.maxNodes();
    }

    Object convert(Object value, int depth) throws IOException {
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
      onPath.put(value, depth);
      try {
        Object tree;
        if (value instanceof JsonNode node) {
          tree = fromJson(node, depth);
        } else if (value instanceof Map<?, ?> map) {
          tree = fromMap(map, depth);
        } else if (value instanceof Iterable<?> iterable && !(value instanceof Path)) {
          tree = fromIterable(iterable, depth);
        } else if (value.getClass().isArray()) {
          tree = fromArray(value, depth);
        } else {
          tree = fromJackson(value, depth);
        }
        converted.put(value, tree);
        return tree;
      } finally {
        onPath.remove(value);
      }
    }

    /** Jackson writes the value into a buffer (each value it holds comes back through the guard), read back here. */
    private Object fromJackson(Object value, int depth) throws IOException {
      TokenBuffer buffer = new TokenBuffer(MAPPER, false);
      Object outerRoot = root;
      int outerDepth = rootDepth;
      root = value;
      rootDepth = depth;
      try {
        writer.writeValue(buffer, value);
      } finally {
        root = outerRoot;
        rootDepth = outerDepth;
      }
      try (JsonParser tokens = buffer.asParser(MAPPER)) {
        return read(tokens, tokens.nextToken());
      }
    }

    /** Whether the guard is about to write the buffer's own value, which Jackson then writes itself. */
    boolean takeRoot(Object value) {
      if (root != null && root == value) {
        root = null;
        return true;
      }
      return false;
    }

    private Object read(JsonParser tokens, JsonToken token) throws IOException {
      if (token == null) {
        return null;
      }
      switch (token) {
        case START_OBJECT: {
          Map<String, Object> tree = new LinkedHashMap<>();
          for (JsonToken next = tokens.nextToken(); next == JsonToken.FIELD_NAME; next = tokens.nextToken()) {
            String name = tokens.currentName();
            tree.put(name, read(tokens, tokens.nextToken()));
          }
          return tree;
        }
        case START_ARRAY: {
          List<Object> tree = new ArrayList<>();
          for (JsonToken next = tokens.nextToken(); next != JsonToken.END_ARRAY; next = tokens.nextToken()) {
            if (full()) {
              tree.add(Marker.notCompared(options.maxNodes()));
              tokens.skipChildren();
              while (tokens.nextToken() != JsonToken.END_ARRAY) {
                tokens.skipChildren();
              }
              break;
            }
            tree.add(read(tokens, next));
          }
          return tree;
        }
        case VALUE_EMBEDDED_OBJECT: {
          Object embedded = tokens.getEmbeddedObject();
          return embedded instanceof Built built ? built.tree : new Opaque(embedded);
        }
        case VALUE_STRING:
          nodes++;
          return tokens.getText();
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          nodes++;
          return normalizeNumber(tokens.getNumberValue());
        case VALUE_TRUE:
        case VALUE_FALSE:
          nodes++;
          return token == JsonToken.VALUE_TRUE;
        default:
          return null;
      }
    }

    private Object fromMap(Map<?, ?> map, int depth) throws IOException {
      Map<String, Object> tree = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (full()) {
          tree.put("…", Marker.notCompared(options.maxNodes()));
          break;
        }
        String key = BoundedTree.safeText(entry.getKey());
        try {
          tree.put(key, convert(entry.getValue(), depth + 1));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, map, key);
        }
      }
      return tree;
    }

    private Object fromIterable(Iterable<?> iterable, int depth) throws IOException {
      List<Object> tree = new ArrayList<>();
      int index = 0;
      for (Object element : iterable) {
        if (full()) {
          tree.add(Marker.notCompared(options.maxNodes()));
          break;
        }
        try {
          tree.add(convert(element, depth + 1));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, iterable, index);
        }
        index++;
      }
      return tree;
    }

    private Object fromArray(Object array, int depth) throws IOException {
      int length = Array.getLength(array);
      List<Object> tree = new ArrayList<>(Math.min(length, 1024));
      for (int i = 0; i < length; i++) {
        if (full()) {
          tree.add(Marker.notCompared(options.maxNodes()));
          break;
        }
        try {
          tree.add(convert(Array.get(array, i), depth + 1));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, array, i);
        }
      }
      return tree;
    }

    private Object fromJson(JsonNode node, int depth) throws IOException {
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
      if (node.isPojo()) {
        return convert(((com.fasterxml.jackson.databind.node.POJONode) node).getPojo(), depth + 1);
      }
      return node.asText();
    }
  }

  /** A tree already built by the conversion, carried through Jackson's buffer as one embedded value. */
  private record Built(Object tree) {
  }

  static Object normalizeNumber(Number number) {
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

  /** How the guard has a value of one type written when it is the root of a buffer. */
  private enum Kind {
    /** A record or bean: Jackson writes its properties. */
    PROPERTIES,
    /** A type that Jackson writes as a scalar (a date, a UUID, a URI). */
    SCALAR,
    /** A JDK type that Jackson cannot write, such as a {@code java.time} value: its text. */
    TEXT,
    /** An object without properties: compared whole, with its {@code equals}. */
    WHOLE
  }

  /** Wraps every serializer Jackson creates, containers' included, in a {@link Guard}. */
  private static final class Guarding extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonSerializer<?> modifyCollectionSerializer(SerializationConfig config, CollectionType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyCollectionLikeSerializer(SerializationConfig config, CollectionLikeType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyMapLikeSerializer(SerializationConfig config, MapLikeType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifyArraySerializer(SerializationConfig config, ArrayType type,
        BeanDescription description, JsonSerializer<?> serializer) {
      return modifySerializer(config, description, serializer);
    }

    @Override
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
        JsonSerializer<?> serializer) {
      if (serializer instanceof Guard) {
        return serializer;
      }
      String packageName = description.getBeanClass().getPackageName();
      boolean jdk = packageName.startsWith("java.") || packageName.startsWith("javax.");
      Kind kind;
      if (serializer instanceof UnknownSerializer) {
        kind = jdk ? Kind.TEXT : Kind.WHOLE;
      } else if (serializer instanceof UnsupportedTypeSerializer || (jdk && serializer instanceof BeanSerializerBase)) {
        kind = Kind.TEXT;
      } else if (serializer instanceof BeanSerializerBase) {
        kind = Kind.PROPERTIES;
      } else {
        kind = Kind.SCALAR;
      }
      @SuppressWarnings("unchecked")
      JsonSerializer<Object> delegate = (JsonSerializer<Object>) serializer;
      return new Guard(delegate, kind);
    }
  }

  /**
   * Sends every value Jackson meets back to the conversion, which returns its tree (or a marker) to be written as one
   * embedded value; only the buffer's own root value is written by Jackson itself.
   */
  private static final class Guard extends JsonSerializer<Object> implements ContextualSerializer,
      ResolvableSerializer {
    private final JsonSerializer<Object> delegate;
    private final Kind kind;

    Guard(JsonSerializer<Object> delegate, Kind kind) {
      this.delegate = delegate;
      this.kind = kind;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      Object attribute = provider.getAttribute(Conversion.class);
      if (!(attribute instanceof Conversion conversion)) {
        delegate.serialize(value, gen, provider);
        return;
      }
      if (!conversion.takeRoot(value)) {
        gen.writeEmbeddedObject(new Built(conversion.convert(value, conversion.rootDepth + 1)));
        return;
      }
      switch (kind) {
        case TEXT:
          gen.writeString(BoundedTree.safeText(value));
          break;
        case WHOLE:
          gen.writeEmbeddedObject(new Built(new Opaque(value)));
          break;
        default:
          delegate.serialize(value, gen, provider);
      }
    }

    @Override
    public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider,
        TypeSerializer typeSerializer) throws IOException {
      serialize(value, gen, provider);
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
        throws JsonMappingException {
      if (!(delegate instanceof ContextualSerializer contextual)) {
        return this;
      }
      JsonSerializer<?> created = contextual.createContextual(provider, property);
      if (created == delegate || created instanceof Guard) {
        return created == delegate ? this : created;
      }
      @SuppressWarnings("unchecked")
      JsonSerializer<Object> next = (JsonSerializer<Object>) created;
      return new Guard(next, kind);
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
      if (delegate instanceof ResolvableSerializer resolvable) {
        resolvable.resolve(provider);
      }
    }

    @Override
    public JsonSerializer<Object> unwrappingSerializer(NameTransformer unwrapper) {
      JsonSerializer<Object> unwrapping = delegate.unwrappingSerializer(unwrapper);
      return unwrapping == delegate ? this : new Guard(unwrapping, kind);
    }

    @Override
    public boolean isUnwrappingSerializer() {
      return delegate.isUnwrappingSerializer();
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Object value) {
      return delegate.isEmpty(provider, value);
    }

    @Override
    public boolean usesObjectId() {
      return delegate.usesObjectId();
    }

    @Override
    public Class<Object> handledType() {
      return delegate.handledType();
    }

    @Override
    public JsonSerializer<?> getDelegatee() {
      return delegate;
    }
  }

  /**
   * A value kept whole: deeper than {@link DiffOptions#maxDepth()}, or an object without properties. Compared with
   * its {@code equals} (a failure, such as an overflow on a deep or cyclic value, counts as "not equal") and shown by
   * its bounded text. Never walked.
   */
  static final class Opaque {
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
}
