package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns a value into the tree that {@link StructuralDiff} compares, with Jackson: records and beans become maps of
 * their properties as Jackson sees them (record components, getters, public fields, Jackson annotations), and Jackson
 * writes the JDK types it knows (dates as ISO-8601 text, UUIDs, URIs). Every serializer Jackson picks is wrapped in a
 * guard ({@link GuardedSerializers}), so that each value inside a record or bean comes back to the call's
 * {@link TreeConversion}: cycles are found by identity, a shared object is converted once, depth and node count are
 * bounded, and maps, collections, arrays, {@link Optional}s and {@link JsonNode}s are walked ({@link ContainerWalk}),
 * within those bounds. A property that cannot be read fails the whole conversion
 * with a {@link DiffException} that names it. Thread-safe: the state of one conversion travels as a Jackson per-call
 * attribute.
 */
final class TreeBuilder {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(GuardedSerializers.module())
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
    TreeConversion conversion = new TreeConversion(options, MAPPER);
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
}
