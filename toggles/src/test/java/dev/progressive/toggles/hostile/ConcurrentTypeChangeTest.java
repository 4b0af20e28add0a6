package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issue 15, part 1: a getter reads the snapshot once, so a flag whose type changes meanwhile never throws. */
class ConcurrentTypeChangeTest {

  private static String flag(String variants, String dv) {
    return "{\"flags\": {\"n\": {\"state\": \"ENABLED\", \"variants\": " + variants + ", \"defaultVariant\": \""
        + dv + "\"}}}";
  }

  private static final String WHOLE = flag("{\"a\": 1, \"b\": 2}", "a");
  private static final String TEXT = flag("{\"a\": \"one\", \"b\": \"two\"}", "a");

  @Test
  void gettersNeverThrowWhileVariantsChangeTypeUnderThem() throws Exception {
    InMemorySource source = InMemorySource.of(WHOLE);
    try (Toggles t = Toggles.builder().source(source).requireValidSources(true).build()) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread updater = new Thread(() -> {
        started.countDown();
        boolean text = false;
        while (!done.get()) {
          text = !text;
          source.update(text ? TEXT : WHOLE);
        }
      });
      updater.start();
      started.await();
      List<Double> seen = new ArrayList<>();
      try {
        for (int i = 0; i < 20_000; i++) {
          Evaluation<Double> d = t.doubleDetails("n", EvaluationContext.empty(), -1.0);
          assertThat(d.value()).isIn(1.0, -1.0);
          seen.add(d.value());
          assertThat(t.doubleValue("n", EvaluationContext.empty(), -1.0)).isIn(1.0, -1.0);
          assertThat(t.integerDetails("n", EvaluationContext.empty(), -1).value()).isIn(1, -1);
          assertThat(t.evaluate("n", EvaluationContext.empty()).value()).isIn(1, "one");
          assertThat(t.stringValue("n", EvaluationContext.empty(), "d")).isIn("one", "d");
        }
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        done.set(true);
        updater.join();
      }
      assertThat(failure.get()).isNull();
      assertThat(seen).contains(1.0);
    }
  }
}
