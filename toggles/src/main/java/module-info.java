/**
 * Feature toggles in the flagd format: the {@link dev.progressive.toggles.Toggles} facade and its OpenFeature
 * provider, flag sources, the flag store and fractional bucketing.
 *
 * <p>Only the five packages below are exported. Everything under {@code dev.progressive.toggles.internal} (the
 * JsonLogic compiler, the evaluation engine, the definition parser, the store's SQL and the file watcher) cannot be
 * reached from another module and may change in any release.
 */
module dev.progressive.toggles {
  exports dev.progressive.toggles;
  exports dev.progressive.toggles.bucketing;
  exports dev.progressive.toggles.event;
  exports dev.progressive.toggles.source;
  exports dev.progressive.toggles.store;
  // The one way to write a canary.* or release.* flag, for the modules that keep their state in them.
  exports dev.progressive.toggles.internal.reserved to dev.progressive.canary, dev.progressive.release;

  // Types of these modules appear in the exported API: a consumer reads them without requiring them itself.
  requires transitive dev.openfeature.sdk;
  requires transitive micrometer.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive java.sql;
  requires transitive java.net.http;

  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires micrometer.observation;
  requires org.slf4j;
  // PostgreSQL's LISTEN/NOTIFY is used only when the driver is present (an optional dependency).
  requires static org.postgresql.jdbc;
}
