package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.CallOutcome;
import dev.progressive.toggles.bucketing.FractionalHashing;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.SupplierUtils;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes keys to a side at the weight in force, runs the chosen side and records each request's outcome in the
 * meters and in this instance's window. Thread-safe; {@link #decide(String)} reads one volatile field and allocates
 * nothing.
 */
public final class CanaryRouter {

  private static final Logger log = LoggerFactory.getLogger(CanaryRouter.class);

  private final String name;
  private final Map<String, Cohort> allowList;
  private final CircuitBreaker breaker;
  /** Buckets keys after the flag key, whose part of the hash is computed once. */
  private final FractionalHashing.Prepared buckets;
  private final WindowRecorder window;
  private CanaryMetrics metrics;
  private volatile int weight;

  public CanaryRouter(CanaryRelease release, Map<String, Cohort> allowList, CircuitBreaker breaker,
      WindowRecorder window) {
    this.name = release.name();
    this.allowList = Map.copyOf(allowList);
    this.breaker = breaker;
    this.buckets = FractionalHashing.v2().prepare(release.flagKey());
    this.window = window;
  }

  /** Where requests are reported; set once, before the first request. */
  public void metrics(CanaryMetrics metrics) {
    this.metrics = metrics;
  }

  /** The weight in force, in basis points. */
  public int weight() {
    return weight;
  }

  /** Puts a weight in force. */
  public void weight(int weight) {
    this.weight = weight;
  }

  /** The side of a key; see {@code Canary.decide}. */
  public Cohort decide(String key) {
    if (!allowList.isEmpty()) {
      Cohort pinned = allowList.get(key);
      if (pinned != null) {
        return pinned;
      }
    }
    int w = weight;
    if (w <= 0) {
      return Cohort.BASELINE;
    }
    if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
      return Cohort.BASELINE;
    }
    if (w >= CanaryRelease.BUCKETS) {
      return Cohort.CANARY;
    }
    return buckets.bucket(key, CanaryRelease.BUCKETS) < w ? Cohort.CANARY : Cohort.BASELINE;
  }

  /** Routes, runs, times and records one call; see {@code Canary.call}. */
  public <T> T call(String key, Cohort explicitCohort, Supplier<T> baseline, Supplier<T> canary) {
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(canary, "canary");
    Cohort cohort = explicitCohort != null ? explicitCohort : decide(key);
    if (cohort == Cohort.BASELINE || (breaker != null && !breaker.tryAcquirePermission())) {
      return timed(baseline);
    }
    Supplier<T> timedCanary = () -> {
      long start = System.nanoTime();
      try {
        T value = canary.get();
        long nanos = System.nanoTime() - start;
        if (breaker != null) {
          breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
        record(Cohort.CANARY, nanos, CallOutcome.SUCCESS);
        return value;
      } catch (RuntimeException e) {
        long nanos = System.nanoTime() - start;
        if (breaker != null) {
          breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
        }
        record(Cohort.CANARY, nanos, CallOutcome.ERROR);
        throw e;
      }
    };
    return SupplierUtils.recover(timedCanary, RuntimeException.class, e -> {
      log.debug("canary '{}' failed, the baseline answers instead", name, e);
      return baseline.get();
    }).get();
  }

  private <T> T timed(Supplier<T> baseline) {
    long start = System.nanoTime();
    try {
      T value = baseline.get();
      record(Cohort.BASELINE, System.nanoTime() - start, CallOutcome.SUCCESS);
      return value;
    } catch (RuntimeException | Error e) {
      record(Cohort.BASELINE, System.nanoTime() - start, CallOutcome.ERROR);
      throw e;
    }
  }

  /** Records one request in the meters and in this instance's window of the current step. */
  public void record(Cohort cohort, long nanos, CallOutcome outcome) {
    Objects.requireNonNull(cohort, "cohort");
    Objects.requireNonNull(outcome, "outcome");
    metrics.request(cohort, nanos, outcome);
    window.record(cohort, nanos, outcome);
  }
}
