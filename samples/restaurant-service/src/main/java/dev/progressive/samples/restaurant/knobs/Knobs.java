package dev.progressive.samples.restaurant.knobs;

import dev.progressive.samples.restaurant.RestaurantProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Faults to inject into the new versions, so that a canary has something to catch: an error rate and extra latency
 * per version. Errors are spread evenly, not at random: with a rate of 0.25, exactly every fourth call fails.
 */
@Component
public class Knobs {

  /** The new pricing engine, the canary side of the in-process canary {@code pricing-engine}. */
  public static final String PRICING_ENGINE_V2 = "pricing-engine-v2";

  /** Version 2 of the downstream pricing service, the canary side of the HTTP canary {@code pricing-service}. */
  public static final String PRICING_SERVICE_V2 = "pricing-service-v2";

  /** The names of the knobs. */
  public static final Set<String> NAMES = Set.of(PRICING_ENGINE_V2, PRICING_SERVICE_V2);

  /** The most latency a knob adds to a call: enough to fail any canary, short enough to hold no thread for long. */
  public static final Duration MAX_LATENCY = Duration.ofSeconds(30);

  private final Map<String, Setting> settings = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

  /** Knobs at the values of {@code restaurant.knobs.*}. */
  public Knobs(RestaurantProperties properties) {
    for (String name : NAMES) {
      settings.put(name, new Setting(0, Duration.ZERO));
      calls.put(name, new AtomicLong());
    }
    properties.getKnobs().forEach((name, knob) -> {
      try {
        set(name, knob.getErrorRate(), knob.getLatency());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("restaurant.knobs." + name + ": " + e.getMessage(), e);
      }
    });
  }

  /**
   * Sets a knob.
   *
   * @throws IllegalArgumentException for an unknown name, a rate outside [0, 1], or a latency that is negative or
   *     longer than {@link #MAX_LATENCY}
   */
  public Setting set(String name, double errorRate, Duration latency) {
    requireKnown(name);
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate must be from 0 to 1, was " + errorRate);
    }
    if (latency == null || latency.isNegative()) {
      throw new IllegalArgumentException("latency must be zero or positive, was " + latency);
    }
    if (latency.compareTo(MAX_LATENCY) > 0) {
      throw new IllegalArgumentException("latency must be at most " + MAX_LATENCY.toMillis() + " ms, was "
          + latency.toMillis() + " ms");
    }
    Setting setting = new Setting(errorRate, latency);
    settings.put(name, setting);
    return setting;
  }

  /** The knob's setting. */
  public Setting get(String name) {
    requireKnown(name);
    return settings.get(name);
  }

  /** Every knob's setting, by name. */
  public Map<String, Setting> all() {
    return new LinkedHashMap<>(settings);
  }

  /**
   * Applies the knob to one call: waits for its latency, then fails if this call is one of its errors.
   *
   * @throws InjectedFault when the call fails
   */
  public void apply(String name) {
    Setting setting = get(name);
    if (!setting.latency().isZero()) {
      pause(setting.latency());
    }
    if (setting.errorRate() > 0) {
      long n = calls.get(name).incrementAndGet();
      if (Math.floor(n * setting.errorRate()) > Math.floor((n - 1) * setting.errorRate())) {
        throw new InjectedFault(name + ": injected error (error rate " + setting.errorRate() + ")");
      }
    }
  }

  /** Sleeps for the given time, keeping the interrupt. */
  public static void pause(Duration duration) {
    try {
      TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void requireKnown(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("no knob '" + name + "'; the knobs are " + NAMES);
    }
  }

  /**
   * One knob's setting.
   *
   * @param errorRate the share of calls that fail, from 0 to 1
   * @param latency extra time per call
   */
  public record Setting(double errorRate, Duration latency) {}

  /** The failure a knob injects. */
  public static class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message);
    }
  }
}
