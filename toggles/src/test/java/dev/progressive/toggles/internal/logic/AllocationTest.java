package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The common targeting paths allocate nothing per evaluation. Measured with the JVM's per-thread allocation counter
 * over many evaluations, so that a single allocation per call (at least 16 bytes) shows up far above the tolerance.
 */
class AllocationTest {

  private static final int CALLS = 200_000;

  private static final RootData ROOT = new TestRoot("user-4711", Map.of(
      "email", "ada@example.com",
      "tier", "gold",
      "beta", true,
      "version", "2.3.1-rc.1",
      "user", Map.of("name", "ada", "country", "FR"),
      "roles", List.of("admin", "dev")), "rollout-flag", 1_700_000_000L);

  private Object sink;

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}",
      "{\"starts_with\": [{\"var\": \"email\"}, \"ada\"]}",
      "{\"==\": [{\"var\": \"tier\"}, \"gold\"]}",
      "{\"!==\": [\"silver\", {\"var\": \"tier\"}]}",
      "{\"===\": [{\"var\": \"beta\"}, true]}",
      "{\"==\": [{\"var\": \"user.country\"}, {\"var\": \"user.country\"}]}",
      "{\"in\": [\"@example\", {\"var\": \"email\"}]}",
      "{\"if\": [{\"and\": [{\"var\": \"beta\"}, {\"!\": {\"==\": [{\"var\": \"tier\"}, \"free\"]}}]}, \"on\", \"off\"]}",
      "{\"or\": [{\"==\": [{\"var\": \"user.country\"}, \"DE\"]}, {\"==\": [{\"var\": \"user.country\"}, \"FR\"]}]}",
      "{\"fractional\": [[\"on\", 50], [\"off\", 50]]}",
      "{\"fractional\": [{\"cat\": [{\"var\": \"$flagd.flagKey\"}, {\"var\": \"email\"}]}, [\"a\", 25], [\"b\", 75]]}",
      "{\"fractional\": [{\"var\": \"email\"}, [\"a\", 1], [\"b\", 1], [\"c\", 1]]}",
      "{\"if\": [{\"==\": [{\"var\": \"tier\"}, \"gold\"]}, {\"fractional\": [[\"on\", 10], [\"off\", 90]]}, null]}",
      "{\"sem_ver\": [{\"var\": \"version\"}, \">=\", \"2.3.0\"]}",
      "{\"sem_ver\": [{\"var\": \"version\"}, \"<\", \"2.3.1-rc.2\"]}",
      "{\"sem_ver\": [{\"var\": \"version\"}, \"~\", \"v2.3\"]}",
      "{\"var\": \"user.name\"}",
      "{\"var\": \"targetingKey\"}"})
  void evaluatesWithoutAllocating(String rule) {
    com.sun.management.ThreadMXBean threads = threadBean();
    assumeTrue(threads != null && threads.isThreadAllocatedMemorySupported(), "no allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
    Expr compiled = Rules.compile("rollout-flag", rule);
    assertThat(compiled.eval(ROOT)).as("the rule must answer something").isNotNull();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < CALLS; i++) {
      sink = compiled.eval(ROOT);
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < CALLS; i++) {
      sink = compiled.eval(ROOT);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(sink).isNotNull();
    assertThat(allocated).as("bytes allocated by %d evaluations of %s", CALLS, rule).isLessThan(CALLS / 20);
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean ? bean : null;
  }
}
