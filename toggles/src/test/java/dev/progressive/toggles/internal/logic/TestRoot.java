package dev.progressive.toggles.internal.logic;

import java.util.Map;

/** A {@link RootData} over a map, for tests. */
record TestRoot(String targetingKey, Map<String, ?> attributes, String flagKey, long timestampSeconds)
    implements RootData {

  static TestRoot of(String flagKey, String targetingKey, Map<String, ?> attributes) {
    return new TestRoot(targetingKey, attributes, flagKey, 1_700_000_000L);
  }

  @Override
  public Object attribute(String name) {
    return attributes.get(name);
  }
}
