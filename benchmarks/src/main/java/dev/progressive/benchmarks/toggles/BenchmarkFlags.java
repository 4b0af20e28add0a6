package dev.progressive.benchmarks.toggles;

/** The flag documents that the toggles benchmarks evaluate, the same for every implementation. */
final class BenchmarkFlags {

  static final String STATIC = "static-flag";
  static final String ROLLOUT = "rollout-flag";
  static final String RULE = "rule-flag";
  /** The one flag evaluated among the 10,000 of the scale benchmark. */
  static final String SCALE = "flag-05000";

  static final String DOCUMENT = """
      {
        "flags": {
          "static-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
          "rollout-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                           "targeting": {"fractional": [["on", 50], ["off", 50]]}},
          "rule-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                        "targeting": {"if": [{"and": [{"ends_with": [{"var": "email"}, "@example.com"]},
                                                      {"==": [{"var": "tier"}, "gold"]}]}, "on", "off"]}}
        }
      }
      """;

  private BenchmarkFlags() {}

  /** 10,000 boolean flags without targeting, {@code flag-00000} to {@code flag-09999}. */
  static String scaleDocument(int count) {
    StringBuilder sb = new StringBuilder("{\"flags\": {");
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ",\n").append(String.format("\"flag-%05d\"", i))
          .append(": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"")
          .append(i % 2 == 0 ? "on" : "off").append("\", \"targeting\": ")
          .append(i % 3 == 0 ? "{\"if\": [{\"in\": [{\"var\": \"tier\"}, [\"gold\", \"silver\"]]}, \"on\", null]}"
              : "{}")
          .append('}');
    }
    return sb.append("}}").toString();
  }
}
