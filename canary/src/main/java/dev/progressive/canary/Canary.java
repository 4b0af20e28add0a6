package dev.progressive.canary;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.canary.internal.CanaryController;
import dev.progressive.canary.internal.CanaryEvents;
import dev.progressive.canary.internal.CanaryMetrics;
import dev.progressive.canary.internal.CanaryRouter;
import dev.progressive.canary.internal.CanaryStateStore;
import dev.progressive.canary.internal.StoredCanary;
import dev.progressive.canary.internal.WindowRecorder;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One running canary release: sticky routing, execution helpers, the controller that judges each step and moves
 * the weight, and the manual operations.
 *
 * <pre>{@code
 * Canary canary = Canary.builder(release, toggles)
 *     .scheduler(CanaryScheduler.of(executor))
 *     .meterRegistry(registry)
 *     .build();
 * canary.start("alice", "v2 of pricing is deployed");
 * Price price = canary.call(customerId, () -> oldPricing.price(cart), () -> newPricing.price(cart));
 * }</pre>
 *
 * <p>The live state (state, step, weight, step start) is the flag {@code canary.<name>} in the toggles store. Every
 * transition is one compare-and-set on the flag's version, audited like any flag change; when several instances
 * share the store, exactly one of them makes each transition and the others see it through the store. Every
 * transition is also published to {@link #onTransition} listeners, logged at INFO and shows in the
 * {@code progressive.canary.weight} gauge.
 *
 * <p><b>A fleet judges once.</b> Give every instance the same shared {@link FleetStore} ({@link JdbcFleetStore}):
 * at every analysis interval each instance publishes its cumulative window of the current step there, and the one
 * instance that holds the canary's analysis lease sums the windows, judges and alone makes the automatic
 * transitions. Without one, each canary judges what its own instance recorded.
 *
 * <p>Like every library, the canary leaves histograms to the application: the timer
 * {@code progressive.canary.requests} publishes no buckets and no percentiles unless the application turns them on.
 * To let {@link PrometheusMetricSource} judge the latencies of the whole fleet, every instance applies
 * {@link #latencyHistogram()} to its registry (Prometheus's {@code progressive_canary_requests_seconds_bucket},
 * buckets from 100 µs to 30 s). Spring Boot applications set
 * {@code management.metrics.distribution.percentiles-histogram.progressive.canary.requests=true} instead.
 *
 * <p>Thread-safe. {@link #decide(String)} reads one volatile field and allocates nothing.
 */
public final class Canary implements AutoCloseable {

  /** The actor of automatic transitions. */
  public static final String CONTROLLER = CanaryController.CONTROLLER;

  /**
   * A filter that turns on the latency histogram of {@code progressive.canary.requests} (and nothing else), for
   * applications that judge with {@link PrometheusMetricSource}: {@code registry.config().meterFilter(
   * Canary.latencyHistogram())}, on every instance, before the first canary is built.
   *
   * @return the filter
   */
  public static MeterFilter latencyHistogram() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!CanaryMetrics.REQUESTS_METER.equals(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
      }
    };
  }

  private final CanaryRelease release;
  private final Toggles toggles;
  private final CanaryRouter router;
  private final CanaryStateStore state;
  private final CanaryController controller;
  private final CanaryEvents events;
  private final AutoCloseable schedule;

  private Canary(Builder b) {
    this.release = b.release;
    this.toggles = b.toggles;
    WindowRecorder recorder = new WindowRecorder();
    this.router = new CanaryRouter(release, b.allowList, b.breaker, recorder);
    CanaryMetrics metrics = new CanaryMetrics(release.name(), b.registry, router, CanaryRouter::weight);
    router.metrics(metrics);
    this.events = new CanaryEvents(release.name());
    this.state = new CanaryStateStore(release, toggles, CONTROLLER, s -> {
      router.weight(s.weight());
      if (s.state() == CanaryState.PROGRESSING) {
        recorder.startWindow(CanaryController.key(release.name(), s));
        if (b.source != null) {
          b.source.windowStarted(release.name(), Instant.ofEpochMilli(s.stepStartedAt()));
        }
      }
    });
    boolean shared = b.fleet != null;
    this.controller = new CanaryController(new CanaryController.Setup(release, state, recorder,
        shared ? b.fleet : FleetStore.inMemory(), shared,
        b.instanceId != null ? b.instanceId : UUID.randomUUID().toString(), b.clock,
        b.judge != null ? b.judge : Judge.statistical(), b.source, metrics, events, b.perInstanceGuard));
    if (b.breaker != null) {
      b.breaker.getEventPublisher().onStateTransition(event -> {
        if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
          controller.breakerOpened();
        }
      });
    }
    // Sharing its windows, an instance publishes several times per interval and looks at every last tick, so that
    // the lease holder judges windows at most a fraction of an interval old.
    this.schedule = b.scheduler == null ? null
        : b.scheduler.every(release.analysisInterval().dividedBy(controller.ticksPerLook()), controller::tickSafely);
  }

  /** Starts building a canary for a definition, on the toggles whose store holds its state. */
  public static Builder builder(CanaryRelease release, Toggles toggles) {
    return new Builder(release, toggles);
  }

  // ---------------------------------------------------------------- routing

  /**
   * The side for a key: an allow-listed key gets its side; otherwise the key's bucket among 10,000, the same as the
   * flag {@code canary.<name>} evaluated with this key as targeting key, is on the canary when it is below the
   * current weight. Sticky, monotonic in the weight, and allocation-free. While the circuit breaker is open,
   * everyone gets the baseline.
   */
  public Cohort decide(String key) {
    return router.decide(key);
  }

  /**
   * The side for a key with the caller's explicit cohort (read by the web layer from a header or a cookie), which
   * wins when not null.
   */
  public Cohort decide(String key, Cohort explicitCohort) {
    return explicitCohort != null ? explicitCohort : router.decide(key);
  }

  // ---------------------------------------------------------------- execution

  /** {@link #call(String, Cohort, Supplier, Supplier)} without an explicit cohort. */
  public <T> T call(String key, Supplier<T> baseline, Supplier<T> canary) {
    return router.call(key, null, baseline, canary);
  }

  /**
   * Routes the key, runs the chosen side, times it and records its outcome. When the canary throws, its error is
   * recorded (and counted by the circuit breaker) and the baseline answers instead; the baseline's own exceptions
   * propagate unchanged, recorded as baseline errors. When the circuit breaker does not permit a call, the baseline
   * serves it.
   */
  public <T> T call(String key, Cohort explicitCohort, Supplier<T> baseline, Supplier<T> canary) {
    return router.call(key, explicitCohort, baseline, canary);
  }

  /** Records one request of a caller that routes by itself (for example an HTTP client). */
  public void record(Cohort cohort, Duration duration, CallOutcome outcome) {
    Objects.requireNonNull(duration, "duration");
    router.record(cohort, duration.toNanos(), outcome);
  }

  // ---------------------------------------------------------------- state and operations

  /** The definition. */
  public CanaryRelease release() {
    return release;
  }

  /** The state, as this instance last read it from the store. */
  public CanaryState state() {
    return state.inForce().state();
  }

  /** The current step index, -1 when no step is in force. */
  public int step() {
    return state.inForce().step();
  }

  /** The canary's current weight, in basis points (1% = 100). */
  public int weight() {
    return router.weight();
  }

  /** The summary of the verdict behind the last automatic transition, or empty. */
  public String lastVerdictSummary() {
    return state.inForce().lastVerdict();
  }

  /**
   * Whether the controller paused the canary to wait for a person: a step stayed inconclusive past its limit under
   * {@link InconclusiveTimeout#WAIT_FOR_OPERATOR} (the release's {@link CanaryRelease#onInconclusiveTimeout()}). An
   * operator promotes, resumes or aborts it.
   */
  public boolean awaitingOperator() {
    StoredCanary s = state.inForce();
    return s.awaitingOperator() && s.state() == CanaryState.PAUSED;
  }

  /** Whether the canary's flag was missing from the store at the last read (routing keeps the last weight). */
  public boolean flagMissing() {
    return state.missing();
  }

  /** How this instance takes part in the fleet's judgement. */
  public FleetStatus fleetStatus() {
    return controller.status();
  }

  /** The transitions of this canary, oldest first, from the flag's audit. */
  public List<AuditEntry> history(Instant from, Instant to, int limit) {
    return toggles.admin().history(release.flagKey(), from, to, limit);
  }

  /** Starts the first step. Only from PENDING. */
  public void start(String actor, String reason) {
    controller.start(actor, reason);
  }

  /**
   * Promotes by hand: one step up, or fully to 100%. From PENDING, one step is the first step. From PAUSED, the
   * canary keeps progressing at the new step.
   */
  public void promote(String actor, String reason, boolean fully) {
    controller.promote(actor, reason, fully);
  }

  /** Holds the weight and stops judging. Only from PROGRESSING. */
  public void pause(String actor, String reason) {
    controller.pause(actor, reason);
  }

  /** Resumes a paused canary; the step's window starts again now. Only from PAUSED. */
  public void resume(String actor, String reason) {
    controller.resume(actor, reason);
  }

  /** Rolls back to 0 at once. From any state that is not final. */
  public void abort(String actor, String reason) {
    controller.abort(actor, reason);
  }

  /** Calls the listener after every transition made by this instance. @return a handle that removes it */
  public AutoCloseable onTransition(Consumer<CanaryTransition> listener) {
    return events.onTransition(listener);
  }

  /**
   * Calls the listener after every look of the judge on this instance: while several instances share a
   * {@link FleetStore}, only the one holding the analysis lease judges. @return a handle that removes it
   */
  public AutoCloseable onVerdict(Consumer<VerdictReported> listener) {
    return events.onVerdict(listener);
  }

  /** Stops the analysis and the store subscription. Routing keeps the last weight. */
  @Override
  public void close() {
    if (schedule != null) {
      try {
        schedule.close();
      } catch (Exception e) {
        // the scheduler's handle only cancels a task
      }
    }
    state.close();
  }

  /**
   * One look: publishes this instance's window and, when it holds the analysis lease, judges the current step and
   * advances, holds or rolls back. Called by the scheduler at every analysis interval.
   *
   * @return the verdict, or empty when the canary does not progress or another instance judges it
   */
  Optional<Verdict> analyze() {
    return controller.analyze();
  }

  /** Publishes this instance's window without judging, as the scheduler does between looks. */
  void publish() {
    controller.publish();
  }

  @Override
  public String toString() {
    StoredCanary s = state.inForce();
    return "Canary[" + release.name() + ", " + s.state() + ", step " + s.step() + ", " + router.weight() / 100.0
        + "%]";
  }

  /** Builds a {@link Canary}. */
  public static final class Builder {
    private final CanaryRelease release;
    private final Toggles toggles;
    private Clock clock = Clock.systemUTC();
    private CanaryScheduler scheduler;
    private MeterRegistry registry = new CompositeMeterRegistry();
    private MetricSource source;
    private Judge judge;
    private final Map<String, Cohort> allowList = new HashMap<>();
    private CircuitBreaker breaker;
    private FleetStore fleet;
    private String instanceId;
    private boolean perInstanceGuard;

    private Builder(CanaryRelease release, Toggles toggles) {
      this.release = Objects.requireNonNull(release, "release");
      this.toggles = Objects.requireNonNull(toggles, "toggles");
    }

    /** The clock of steps, verdicts and the analysis lease. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Runs the analysis every {@link CanaryRelease#analysisInterval()}. Without one, nothing is judged. */
    public Builder scheduler(CanaryScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where requests, weight and verdicts are reported. Default: nowhere. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Where the judge reads the fleet's window instead of the windows the instances publish to the
     * {@link #fleet(FleetStore) fleet store}, e.g. {@link PrometheusMetricSource}. Only the instance holding the
     * analysis lease reads it. Default: none.
     */
    public Builder metricSource(MetricSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** The judge. Default: {@link Judge#statistical()}. */
    public Builder judge(Judge judge) {
      this.judge = Objects.requireNonNull(judge, "judge");
      return this;
    }

    /** Sends this key to one side whatever the weight (checked before the weight). */
    public Builder allow(String key, Cohort cohort) {
      allowList.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(cohort, "cohort"));
      return this;
    }

    /**
     * A circuit breaker on the canary side: while it is open everyone gets the baseline, and when it opens the
     * canary is rolled back.
     */
    public Builder circuitBreaker(CircuitBreaker breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
      return this;
    }

    /**
     * The store the instances of the service share their windows and the analysis lease in, so that the fleet
     * judges once: the same {@link JdbcFleetStore} on every instance. Default: none, and each instance judges what
     * it recorded, alone.
     */
    public Builder fleet(FleetStore fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
      return this;
    }

    /**
     * This instance's id in the fleet store, unique in the fleet (a pod's name, for example). Default: a random
     * UUID, new at each start.
     */
    public Builder instanceId(String instanceId) {
      this.instanceId = FleetStore.checkInstanceId(instanceId);
      return this;
    }

    /**
     * Whether one instance alone showing a regression rolls the canary back, even when the fleet's sum does not
     * (a node-local fault: a bad disk, a noisy neighbour). Each instance's window is judged with the step's alpha,
     * so false rollbacks grow with the number of instances. Default: false.
     */
    public Builder perInstanceGuard(boolean enabled) {
      this.perInstanceGuard = enabled;
      return this;
    }

    /** Builds the canary, defining its flag at PENDING when the store has none, and starts its analysis. */
    public Canary build() {
      return new Canary(this);
    }
  }
}
