package dev.progressive.parallelrun.diff;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the tokens that Jackson wrote for a record or bean into tree maps, lists and leaves, counting each leaf
 * against the node limit; a value the guard already turned into a tree arrives as one embedded object.
 */
final class TokenTrees {

  private TokenTrees() {
  }

  static Object read(TreeConversion conversion, JsonParser tokens, JsonToken token) throws IOException {
    if (token == null) {
      return null;
    }
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (JsonToken next = tokens.nextToken(); next == JsonToken.FIELD_NAME; next = tokens.nextToken()) {
          String name = tokens.currentName();
          tree.put(name, read(conversion, tokens, tokens.nextToken()));
        }
        return tree;
      }
      case START_ARRAY: {
        List<Object> tree = new ArrayList<>();
        for (JsonToken next = tokens.nextToken(); next != JsonToken.END_ARRAY; next = tokens.nextToken()) {
          if (conversion.full()) {
            tree.add(Marker.notCompared(conversion.maxNodes()));
            tokens.skipChildren();
            while (tokens.nextToken() != JsonToken.END_ARRAY) {
              tokens.skipChildren();
            }
            break;
          }
          tree.add(read(conversion, tokens, next));
        }
        return tree;
      }
      case VALUE_EMBEDDED_OBJECT: {
        Object embedded = tokens.getEmbeddedObject();
        return embedded instanceof GuardedSerializers.Built built ? built.tree() : new Opaque(embedded);
      }
      case VALUE_STRING:
        conversion.countNode();
        return tokens.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        conversion.countNode();
        return TreeNumbers.normalize(tokens.getNumberValue());
      case VALUE_TRUE:
      case VALUE_FALSE:
        conversion.countNode();
        return token == JsonToken.VALUE_TRUE;
      default:
        return null;
    }
  }
}
