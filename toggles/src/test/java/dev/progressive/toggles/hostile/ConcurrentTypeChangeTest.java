package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

  @Test
  void doubleDetailsIsConsistentWhenTheFlagChangesTypeRightAfterItsEvaluation() {
    // The change lands exactly between the evaluation and what doubleDetails does next: the first count of the
    // outcome registers its meter, and this filter applies the new document right then, on the reader's thread.
    InMemorySource source = InMemorySource.of(WHOLE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicBoolean changed = new AtomicBoolean();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if ("progressive.toggle.evaluations".equals(id.getName()) && "n".equals(id.getTag("feature_flag.key"))
            && changed.compareAndSet(false, true)) {
          source.update(TEXT);
        }
        return id;
      }
    });
    try (Toggles t = Toggles.builder().source(source).meterRegistry(registry).requireValidSources(true).build()) {
      Evaluation<Double> d = t.doubleDetails("n", EvaluationContext.empty(), -1.0);
      assertThat(changed).isTrue();
      assertThat(d.value()).isEqualTo(1.0);
      assertThat(d.variant()).isEqualTo("a");
      assertThat(t.doubleDetails("n", EvaluationContext.empty(), -1.0).value()).isEqualTo(-1.0);
    }
  }
}
