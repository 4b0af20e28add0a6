package dev.progressive.toggles;

/**
 * Where the outcome and latency of work done under one variant of a flag go: the SPI that something judging a
 * flag's rollout implements (a release plan's guarded feature rollout does) and registers for the flags it watches
 * with {@link VariantRecording#register}. Toggles itself records nothing.
 *
 * <p>Called on the caller's thread, once per recorded call: an implementation must be fast, thread-safe, and must
 * not throw (a throw is caught and logged, and the caller's result stays untouched).
 */
@FunctionalInterface
public interface VariantRecorder {

  /**
   * One call served under a variant.
   *
   * @param flagKey the flag evaluated
   * @param variant the variant the call was served with
   * @param success whether the work succeeded (false: it threw, or the caller said it failed)
   * @param durationNanos how long the work took
   */
  void record(String flagKey, String variant, boolean success, long durationNanos);
}
