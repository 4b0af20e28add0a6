package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One conversion of a value into a tree, and its bounds: the objects on the current path (a cycle becomes a marker),
 * those already converted (a shared object is converted once), the node count and the depth limit. It sends each
 * value to what fits it: a leaf, a {@link ContainerWalk}, or Jackson for records and beans. Not thread-safe: one per
 * call, carried through Jackson as a per-call attribute.
 */
final class TreeConversion {

  private final DiffOptions options;
  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private final IdentityHashMap<Object, Integer> onPath = new IdentityHashMap<>();
  private final IdentityHashMap<Object, Object> converted = new IdentityHashMap<>();
  private int nodes;
  /** The value Jackson is asked to write at the root of the current buffer, and its depth. */
  private Object root;
  private int rootDepth;

  /**
   * @param options the limits
   * @param mapper a mapper with the {@link GuardedSerializers#module()}
   */
  TreeConversion(DiffOptions options, ObjectMapper mapper) {
    this.options = options;
    this.mapper = mapper;
    this.writer = mapper.writer().withAttribute(TreeConversion.class, this);
  }

  /** Whether the node limit is reached: walks stop adding and put a marker instead. */
  boolean full() {
    return nodes >= options.maxNodes();
  }

  int maxNodes() {
    return options.maxNodes();
  }

  /** Counts one leaf read back from Jackson's tokens. */
  void countNode() {
    nodes++;
  }

  /** The depth of the value at the root of the buffer Jackson writes now. */
  int rootDepth() {
    return rootDepth;
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
      return TreeNumbers.normalize(number);
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
        tree = ContainerWalk.fromJson(this, node, depth);
      } else if (value instanceof Map<?, ?> map) {
        tree = ContainerWalk.fromMap(this, map, depth);
      } else if (value instanceof Iterable<?> iterable && !(value instanceof Path)) {
        tree = ContainerWalk.fromIterable(this, iterable, depth);
      } else if (value.getClass().isArray()) {
        tree = ContainerWalk.fromArray(this, value, depth);
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
    TokenBuffer buffer = new TokenBuffer(mapper, false);
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
    try (JsonParser tokens = buffer.asParser(mapper)) {
      return TokenTrees.read(this, tokens, tokens.nextToken());
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
}
