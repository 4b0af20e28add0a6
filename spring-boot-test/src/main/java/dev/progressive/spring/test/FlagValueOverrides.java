package dev.progressive.spring.test;

import dev.progressive.toggles.FlagValueLayer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Flag values set by a test, seen only by the thread that set them and the threads it starts afterwards. It is the
 * {@link FlagValueLayer} of the application's {@code Toggles}: {@link ProgressiveTest} registers one in the test's
 * context, and the starter builds {@code Toggles} with it, so every evaluation asks it first, through the native
 * {@code Toggles} API, {@code @FeatureToggle} and the OpenFeature {@code Client} alike. Production contexts never
 * have one: it lives in the test-scoped {@code progressive-spring-boot-test} artifact.
 *
 * <p>Because each test's values live on its own thread, test classes and methods that run in parallel can share one
 * Spring context without seeing each other's values. The limit is the other side of that: an evaluation on a
 * thread the test did not start (a pooled executor created earlier, the server thread of a
 * {@code RANDOM_PORT} test) sees the flags' real values. Calls made through MockMvc run on the test's thread.
 */
public final class FlagValueOverrides implements FlagValueLayer {

  private final InheritableThreadLocal<Map<String, String>> values = new InheritableThreadLocal<>();

  /**
   * Sets values for the current thread, over any it has, until the returned handle is closed.
   *
   * @param overrides flag key to value
   * @return restores the values that were set before
   */
  public Scope set(Map<String, String> overrides) {
    Objects.requireNonNull(overrides, "overrides");
    Map<String, String> previous = values.get();
    Map<String, String> merged = previous == null ? new HashMap<>() : new HashMap<>(previous);
    merged.putAll(overrides);
    values.set(Map.copyOf(merged));
    return () -> {
      if (previous == null) {
        values.remove();
      } else {
        values.set(previous);
      }
    };
  }

  /**
   * The value a test set for a flag on this thread.
   *
   * @param key the flag's key
   * @return the value, or null when none is set
   */
  @Override
  public String value(String key) {
    Map<String, String> current = values.get();
    return current == null ? null : current.get(key);
  }

  /** Ends a {@link #set(Map)}. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
