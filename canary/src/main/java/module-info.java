/**
 * Canary releases: {@link dev.progressive.canary.Canary} and its judge, metric sources and the fleet's shared state,
 * with the events it publishes.
 *
 * <p>Only the two packages below are exported to everyone; {@code dev.progressive.canary.internal} cannot be reached
 * from another module and may change in any release ({@code internal.lease} is exported to the release module alone).
 */
module dev.progressive.canary {
  exports dev.progressive.canary;
  exports dev.progressive.canary.event;
  // The fleet's lease, for the release module's driver lease: one implementation, not an API.
  exports dev.progressive.canary.internal.lease to dev.progressive.release;

  // Types of these modules appear in the exported API: a consumer reads them without requiring them itself.
  requires transitive dev.progressive.toggles;
  requires transitive micrometer.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive java.sql;
  requires transitive java.net.http;

  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires io.github.resilience4j.core;
  requires org.apache.commons.numbers.gamma;
  requires HdrHistogram;
  requires org.slf4j;
}
