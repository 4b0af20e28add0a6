/**
 * Release plans: {@link dev.progressive.release.ReleasePlan}, an ordered list of stages (dark, verify, canary,
 * approval, switch, retire) driven by one instance of the fleet, with the events it publishes.
 *
 * <p>Only the two packages below are exported; {@code dev.progressive.release.internal} cannot be reached from another
 * module and may change in any release.
 */
module dev.progressive.release {
  exports dev.progressive.release;
  exports dev.progressive.release.event;

  // Types of these modules appear in the exported API: a consumer reads them without requiring them itself.
  requires transitive dev.progressive.canary;
  requires transitive dev.progressive.parallelrun;
  requires transitive dev.progressive.toggles;
  requires transitive micrometer.core;

  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires HdrHistogram;
}
