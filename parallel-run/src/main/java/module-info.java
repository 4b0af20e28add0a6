/**
 * Parallel runs: {@link dev.progressive.parallelrun.ParallelRunner} and its experiments, structural diffs of results,
 * and HTTP shadowing.
 *
 * <p>Only the three packages below are exported; {@code dev.progressive.parallelrun.internal} cannot be reached from
 * another module and may change in any release.
 */
module dev.progressive.parallelrun {
  exports dev.progressive.parallelrun;
  exports dev.progressive.parallelrun.diff;
  exports dev.progressive.parallelrun.http;

  // Types of these modules appear in the exported API: a consumer reads them without requiring them itself.
  requires transitive micrometer.core;
  requires transitive java.net.http;

  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.bulkhead;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.timelimiter;
  requires java.management;
  requires org.slf4j;
}
