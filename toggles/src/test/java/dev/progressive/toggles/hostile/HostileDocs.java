package dev.progressive.toggles.hostile;

/** Flag documents built to hurt: each one a case of issue 15 that once escaped or hung. */
final class HostileDocs {

  private HostileDocs() {}

  /** A valid document with one boolean flag, "ok", to tell the last good flags from a refused document's. */
  static String good(boolean on) {
    return "{\"flags\": {\"ok\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false}, "
        + "\"defaultVariant\": \"" + (on ? "on" : "off") + "\"}}}";
  }

  /** A flag "f" with variants a and b and the given targeting, and the given evaluators (a JSON object's body). */
  static String flag(String targeting, String evaluators) {
    return "{\"$evaluators\": {" + evaluators + "}, \"flags\": {\"f\": {\"state\": \"ENABLED\", "
        + "\"variants\": {\"a\": \"A\", \"b\": \"B\"}, \"defaultVariant\": \"b\", \"targeting\": " + targeting
        + "}}}";
  }

  /** e0 → e1 → … → e(n-1) → true, and a flag that uses e0. */
  static String refChain(int n) {
    StringBuilder ev = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        ev.append(',');
      }
      ev.append("\"e").append(i).append("\": ");
      ev.append(i + 1 < n ? "{\"$ref\": \"e" + (i + 1) + "\"}" : "true");
    }
    return flag("{\"if\": [{\"$ref\": \"e0\"}, \"a\", \"b\"]}", ev.toString());
  }

  /** b_i = or(b_(i+1), b_(i+1)) over the given levels: 2^levels nodes once expanded, in about 1.2 KB. */
  static String doublingRefs(int levels) {
    StringBuilder ev = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      if (i > 0) {
        ev.append(',');
      }
      String next = "{\"$ref\": \"b" + (i + 1) + "\"}";
      ev.append("\"b").append(i).append("\": {\"or\": [").append(next).append(", ").append(next).append("]}");
    }
    ev.append(", \"b").append(levels).append("\": {\"==\": [{\"var\": \"x\"}, 1]}");
    return flag("{\"if\": [{\"$ref\": \"b0\"}, \"a\", \"b\"]}", ev.toString());
  }

  /** A cat of nested maps over 100-element lists, four deep: 10^8 strings once folded. */
  static String foldBomb() {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < 100; i++) {
      list.append(i == 0 ? "" : ",").append(i);
    }
    list.append(']');
    String inner = "\"x\"";
    for (int level = 0; level < 4; level++) {
      inner = "{\"map\": [" + list + ", " + inner + "]}";
    }
    return flag("{\"if\": [{\"cat\": [" + inner + "]}, \"a\", \"b\"]}", "");
  }

  /** A reduce that doubles a string once per element of a 40-element list: 2^40 characters if nothing stopped it. */
  static String doublingString() {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      list.append(i == 0 ? "" : ",").append(i);
    }
    list.append(']');
    return flag("{\"if\": [{\"reduce\": [{\"var\": \"items\"}, {\"cat\": [{\"var\": \"accumulator\"}, "
        + "{\"var\": \"accumulator\"}]}, \"xx\"]}, \"a\", \"b\"]}", "");
  }
}
