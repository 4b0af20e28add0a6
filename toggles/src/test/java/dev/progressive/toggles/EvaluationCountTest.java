package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * {@code progressive.toggle.evaluations} is counted per thread without atomic instructions; whatever the threads do,
 * the meter must show every evaluation exactly once.
 */
class EvaluationCountTest {

  private static final String FLAGS = """
      {"flags": {
        "static": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "rollout": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                    "targeting": {"fractional": [["on", 50], ["off", 50]]}}
      }}""";

  @Test
  void everyEvaluationIsCountedOnceByThreadsThatComeAndGoInGreaterNumberThanTheTableStartsWith() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int rounds = 4;
    int threads = 40; // more than the 16 slots the counts start with, all alive at once
    int perThread = 2_000;
    try (Toggles toggles = Toggles.builder().source(InMemorySource.of(FLAGS)).meterRegistry(registry).build()) {
      for (int round = 0; round < rounds; round++) {
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          Thread thread = new Thread(() -> {
            await(together);
            for (int i = 0; i < perThread; i++) {
              toggles.isEnabled("static", EvaluationContext.empty());
              toggles.isEnabled("rollout", EvaluationContext.of("user-" + id + "-" + i));
            }
          });
          thread.start();
          started.add(thread);
        }
        for (Thread thread : started) {
          thread.join();
        }
        long expected = (long) (round + 1) * threads * perThread;
        assertThat(count(registry, "static", "on", "static")).isEqualTo(expected);
        assertThat(count(registry, "rollout", "on", "split") + count(registry, "rollout", "off", "split"))
            .isEqualTo(expected);
      }
      // both variants of a 50/50 split are seen
      assertThat(count(registry, "rollout", "on", "split")).isPositive();
      assertThat(count(registry, "rollout", "off", "split")).isPositive();
    }
  }

  private static long count(SimpleMeterRegistry registry, String key, String variant, String reason) {
    FunctionCounter counter = registry.find("progressive.toggle.evaluations").tag("feature_flag.key", key)
        .tag("feature_flag.result.variant", variant).tag("feature_flag.result.reason", reason).functionCounter();
    return counter == null ? 0 : (long) counter.count();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
