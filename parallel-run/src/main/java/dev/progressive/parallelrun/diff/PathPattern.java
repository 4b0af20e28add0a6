package dev.progressive.parallelrun.diff;

import java.util.ArrayList;
import java.util.List;

/** A parsed ignored-path pattern, matched against the path of the node being compared. */
final class PathPattern {

  /** One step of a path: a field name or an index; in patterns also {@code *}, {@code [*]} and {@code **}. */
  record Segment(String key, int index) {
    static final Segment ANY_KEY = new Segment("*", -1);
    static final Segment ANY_INDEX = new Segment(null, -2);
    static final Segment ANY_DEPTH = new Segment("**", -3);

    static Segment key(String key) {
      return new Segment(key, -1);
    }

    static Segment index(int index) {
      return new Segment(null, index);
    }

    boolean isIndex() {
      return key == null;
    }

    boolean matches(Segment actual) {
      if (this == ANY_KEY) {
        return !actual.isIndex();
      }
      if (this == ANY_INDEX) {
        return actual.isIndex();
      }
      return equals(actual);
    }
  }

  private final Segment[] segments;

  private PathPattern(Segment[] segments) {
    this.segments = segments;
  }

  static PathPattern parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("An ignored path must not be blank");
    }
    String rest = text.strip();
    if (rest.equals("$")) {
      return new PathPattern(new Segment[0]);
    }
    if (rest.startsWith("$.")) {
      rest = rest.substring(2);
    } else if (rest.startsWith("$[")) {
      rest = rest.substring(1);
    }
    List<Segment> out = new ArrayList<>();
    int i = 0;
    while (i < rest.length()) {
      char c = rest.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int close = rest.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("Unclosed '[' in ignored path '" + text + "'");
        }
        String inside = rest.substring(i + 1, close);
        if (inside.equals("*")) {
          out.add(Segment.ANY_INDEX);
        } else if (inside.startsWith("\"") && inside.endsWith("\"") && inside.length() >= 2) {
          out.add(Segment.key(inside.substring(1, inside.length() - 1)));
        } else {
          try {
            out.add(Segment.index(Integer.parseInt(inside)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad index '" + inside + "' in ignored path '" + text + "'", e);
          }
        }
        i = close + 1;
      } else {
        int end = i;
        while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') {
          end++;
        }
        String key = rest.substring(i, end);
        out.add(key.equals("*") ? Segment.ANY_KEY : key.equals("**") ? Segment.ANY_DEPTH : Segment.key(key));
        i = end;
      }
    }
    return new PathPattern(out.toArray(new Segment[0]));
  }

  /** Whether this pattern matches the first segments of the path, so that the path lies in an ignored subtree. */
  boolean matchesPrefixOf(Segment[] path, int length) {
    return match(0, path, 0, length);
  }

  /**
   * Whether the pattern from its segment {@code patternIndex} on matches the path from its segment {@code pathIndex}
   * on; {@code **} tries every number of path segments.
   */
  private boolean match(int patternIndex, Segment[] path, int pathIndex, int length) {
    if (patternIndex == segments.length) {
      return true;
    }
    if (segments[patternIndex] == Segment.ANY_DEPTH) {
      for (int skip = pathIndex; skip <= length; skip++) {
        if (match(patternIndex + 1, path, skip, length)) {
          return true;
        }
      }
      return false;
    }
    return pathIndex < length && segments[patternIndex].matches(path[pathIndex])
        && match(patternIndex + 1, path, pathIndex + 1, length);
  }
}
