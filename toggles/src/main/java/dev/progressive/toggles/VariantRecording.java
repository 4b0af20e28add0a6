package dev.progressive.toggles;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording per variant, opt-in per flag: the outcome (success or error) and latency of the work done under the
 * variant a flag gave, sent to the {@link VariantRecorder} registered for that flag (a guarded feature rollout
 * registers one for the flag it drives). A flag without a recorder records nothing and costs one map lookup; the
 * flag evaluation itself is not touched.
 *
 * <pre>{@code
 * Evaluation<String> ui = toggles.stringDetails("checkout-ui", context, "old");
 * String page = toggles.variantRecording().call("checkout-ui", ui.variant(), () -> render(ui.value()));
 * // or, timed by the caller:
 * toggles.variantRecording().record("checkout-ui", ui.variant(), ok, elapsedNanos);
 * }</pre>
 *
 * <p>One recorder per flag. Thread-safe.
 */
public final class VariantRecording {

  private static final Logger LOG = LoggerFactory.getLogger(VariantRecording.class);

  private final ConcurrentHashMap<String, VariantRecorder> recorders = new ConcurrentHashMap<>();

  VariantRecording() {}

  /**
   * Records the calls served under {@code flagKey}'s variants into {@code recorder} until the returned handle is
   * closed.
   *
   * @throws IllegalStateException when the flag has a recorder already (naming the flag)
   */
  public AutoCloseable register(String flagKey, VariantRecorder recorder) {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(recorder, "recorder");
    if (recorders.putIfAbsent(flagKey, recorder) != null) {
      throw new IllegalStateException("flag '" + flagKey + "' has a variant recorder already: one rollout at a time "
          + "records a flag's variants");
    }
    return () -> recorders.remove(flagKey, recorder);
  }

  /** The flag's recorder, or null when its variants are not recorded. No allocation. */
  public VariantRecorder recorder(String flagKey) {
    return recorders.get(flagKey);
  }

  /** Whether the flag's variants are recorded now. */
  public boolean isRecorded(String flagKey) {
    return recorders.containsKey(flagKey);
  }

  /**
   * Runs the work and, when the flag's variants are recorded, records its outcome (a throw is an error, and is
   * rethrown as it is) and its latency under {@code variant}. Without a recorder, only runs the work.
   */
  public <T> T call(String flagKey, String variant, Supplier<T> work) {
    VariantRecorder recorder = recorders.get(flagKey);
    if (recorder == null || variant == null) {
      return work.get();
    }
    long start = System.nanoTime();
    T value;
    try {
      value = work.get();
    } catch (RuntimeException | Error e) {
      deliver(recorder, flagKey, variant, false, System.nanoTime() - start);
      throw e;
    }
    deliver(recorder, flagKey, variant, true, System.nanoTime() - start);
    return value;
  }

  /** Records one call the caller timed itself; nothing when the flag's variants are not recorded. */
  public void record(String flagKey, String variant, boolean success, long durationNanos) {
    VariantRecorder recorder = recorders.get(flagKey);
    if (recorder != null && variant != null) {
      deliver(recorder, flagKey, variant, success, durationNanos);
    }
  }

  private static void deliver(VariantRecorder recorder, String flagKey, String variant, boolean success,
      long durationNanos) {
    try {
      recorder.record(flagKey, variant, success, Math.max(0, durationNanos));
    } catch (RuntimeException e) {
      LOG.warn("the variant recorder of flag '{}' failed; the call's result is untouched", flagKey, e);
    }
  }
}
