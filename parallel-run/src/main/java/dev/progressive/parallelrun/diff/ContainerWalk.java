package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the containers of a value into tree maps and lists: maps (keys as their bounded text), iterables, arrays and
 * {@link JsonNode}s, each element back through the conversion one level deeper, stopping with a marker at the node
 * limit; a failure inside an element is given the element's key or index for its path.
 */
final class ContainerWalk {

  private ContainerWalk() {
  }

  static Object fromMap(TreeConversion conversion, Map<?, ?> map, int depth) throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (conversion.full()) {
        tree.put("…", Marker.notCompared(conversion.maxNodes()));
        break;
      }
      String key = BoundedTree.safeText(entry.getKey());
      try {
        tree.put(key, conversion.convert(entry.getValue(), depth + 1));
      } catch (JsonMappingException e) {
        throw JsonMappingException.wrapWithPath(e, map, key);
      }
    }
    return tree;
  }

  static Object fromIterable(TreeConversion conversion, Iterable<?> iterable, int depth) throws IOException {
    List<Object> tree = new ArrayList<>();
    int index = 0;
    for (Object element : iterable) {
      if (conversion.full()) {
        tree.add(Marker.notCompared(conversion.maxNodes()));
        break;
      }
      try {
        tree.add(conversion.convert(element, depth + 1));
      } catch (JsonMappingException e) {
        throw JsonMappingException.wrapWithPath(e, iterable, index);
      }
      index++;
    }
    return tree;
  }

  static Object fromArray(TreeConversion conversion, Object array, int depth) throws IOException {
    int length = Array.getLength(array);
    List<Object> tree = new ArrayList<>(Math.min(length, 1024));
    for (int i = 0; i < length; i++) {
      if (conversion.full()) {
        tree.add(Marker.notCompared(conversion.maxNodes()));
        break;
      }
      try {
        tree.add(conversion.convert(Array.get(array, i), depth + 1));
      } catch (JsonMappingException e) {
        throw JsonMappingException.wrapWithPath(e, array, i);
      }
    }
    return tree;
  }

  static Object fromJson(TreeConversion conversion, JsonNode node, int depth) throws IOException {
    if (node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> tree = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        if (conversion.full()) {
          tree.put("…", Marker.notCompared(conversion.maxNodes()));
          break;
        }
        Map.Entry<String, JsonNode> field = fields.next();
        tree.put(field.getKey(), conversion.convert(field.getValue(), depth + 1));
      }
      return tree;
    }
    if (node.isArray()) {
      List<Object> tree = new ArrayList<>(Math.min(node.size(), 1024));
      for (JsonNode element : node) {
        if (conversion.full()) {
          tree.add(Marker.notCompared(conversion.maxNodes()));
          break;
        }
        tree.add(conversion.convert(element, depth + 1));
      }
      return tree;
    }
    if (node.isNumber()) {
      return TreeNumbers.normalize(node.numberValue());
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isPojo()) {
      return conversion.convert(((POJONode) node).getPojo(), depth + 1);
    }
    return node.asText();
  }
}
