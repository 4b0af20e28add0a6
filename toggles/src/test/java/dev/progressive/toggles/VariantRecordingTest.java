package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.progressive.toggles.source.InMemorySource;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Recording per variant is opt-in per flag, reaches the flag's recorder only, and costs nothing where it is off. */
class VariantRecordingTest {

  private static final int CALLS = 200_000;
  private static final Supplier<String> WORK = () -> "done";

  private final Toggles toggles = Toggles.builder().source(InMemorySource.of("""
      {"flags": {"new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false},
        "defaultVariant": "on"}}}""")).build();
  private final List<String> recorded = new CopyOnWriteArrayList<>();
  private Object sink;

  @AfterEach
  void close() {
    toggles.close();
  }

  @Test
  void aRegisteredFlagsCallsAreRecordedWithVariantOutcomeAndLatency() throws Exception {
    AutoCloseable handle = toggles.variantRecording().register("new-checkout",
        (flag, variant, success, nanos) -> recorded.add(flag + "/" + variant + "/" + success + "/" + (nanos >= 0)));

    assertThat(toggles.variantRecording().call("new-checkout", "on", WORK)).isEqualTo("done");
    assertThatThrownBy(() -> toggles.variantRecording().call("new-checkout", "off", () -> {
      throw new IllegalStateException("boom");
    })).as("the work's exception reaches the caller as it is").hasMessage("boom");
    toggles.variantRecording().record("new-checkout", "on", false, 42);
    toggles.variantRecording().record("other-flag", "on", true, 42);

    assertThat(recorded).containsExactly("new-checkout/on/true/true", "new-checkout/off/false/true",
        "new-checkout/on/false/true");
    handle.close();
    toggles.variantRecording().record("new-checkout", "on", true, 1);
    assertThat(recorded).as("closed: no longer recorded").hasSize(3);
    assertThat(toggles.variantRecording().isRecorded("new-checkout")).isFalse();
  }

  @Test
  void oneRecorderPerFlagAndAFailingRecorderNeverReachesTheCaller() {
    toggles.variantRecording().register("new-checkout", (f, v, s, n) -> {
      throw new IllegalStateException("the recorder failed");
    });
    assertThatThrownBy(() -> toggles.variantRecording().register("new-checkout", (f, v, s, n) -> { }))
        .hasMessageContaining("flag 'new-checkout' has a variant recorder already");
    assertThat(toggles.variantRecording().call("new-checkout", "on", WORK)).isEqualTo("done");
  }

  @Test
  void withoutARecorderNothingIsAllocatedAndTheEvaluationPathIsUntouched() {
    com.sun.management.ThreadMXBean threads = threadBean();
    assumeTrue(threads != null && threads.isThreadAllocatedMemorySupported(), "no allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
    long thread = Thread.currentThread().getId();
    VariantRecording recording = toggles.variantRecording();
    for (int i = 0; i < CALLS; i++) {
      recording.record("new-checkout", "on", true, i);
      sink = recording.call("new-checkout", "on", WORK);
      sink = toggles.isEnabled("new-checkout", EvaluationContext.empty());
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < CALLS; i++) {
      recording.record("new-checkout", "on", true, i);
      sink = recording.call("new-checkout", "on", WORK);
    }
    long unrecorded = threads.getThreadAllocatedBytes(thread) - before;

    // a recorder on the flag: evaluation does not consult it, so isEnabled stays as it was
    toggles.variantRecording().register("new-checkout", (f, v, s, n) -> { });
    before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < CALLS; i++) {
      sink = toggles.isEnabled("new-checkout", EvaluationContext.empty());
    }
    long evaluations = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(sink).isEqualTo(true);
    assertThat(unrecorded).as("bytes allocated by %d unrecorded record() and call()", CALLS).isLessThan(CALLS / 20);
    assertThat(evaluations).as("bytes allocated by %d evaluations of a recorded flag", CALLS)
        .isLessThan(CALLS / 20);
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean ? bean : null;
  }
}
