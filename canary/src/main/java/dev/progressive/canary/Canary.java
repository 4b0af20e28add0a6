package dev.progressive.canary;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.canary.internal.StoredCanary;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.VersionConflictException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.SupplierUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  public static final String CONTROLLER = "canary-controller";

  private static final Logger log = LoggerFactory.getLogger(Canary.class);

  private static final String REQUESTS_METER = "progressive.canary.requests";

  /**
   * When an application turns it on, the histogram of {@code progressive.canary.requests} spans 100 µs to 30 s:
   * Micrometer's buckets between them (about four per power of four) are what {@link PrometheusMetricSource} judges
   * the fleet's latencies with.
   */
  static final Duration MIN_EXPECTED_LATENCY = Duration.ofNanos(100_000);

  static final Duration MAX_EXPECTED_LATENCY = Duration.ofSeconds(30);

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
        if (!REQUESTS_METER.equals(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
      }
    };
  }

  private final CanaryRelease release;
  private final String flagKey;
  private final Toggles toggles;
  private final Clock clock;
  private final MetricSource source;
  private final InProcessMetricSource local;
  private final Judge judge;
  private final Map<String, Cohort> allowList;
  private final CircuitBreaker breaker;
  /** Buckets keys after the flag key, whose part of the hash is computed once. */
  private final FractionalHashing.Prepared buckets;
  private final Timer[] timers = new Timer[4];
  private final Map<Verdict.Result, Counter> verdicts = new HashMap<>();
  private final MeterRegistry registry;
  private final List<Consumer<CanaryTransition>> transitionListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<VerdictReported>> verdictListeners = new CopyOnWriteArrayList<>();
  private final Object analysisLock = new Object();
  private final Object windowLock = new Object();
  private final Object stateLock = new Object();
  private final AutoCloseable changeSubscription;
  private final AutoCloseable schedule;

  private volatile int weight;
  private volatile StoredCanary stored = StoredCanary.initial();
  /** Under windowLock. */
  private long windowStart = -1;

  private Canary(Builder b) {
    this.release = b.release;
    this.flagKey = release.flagKey();
    this.buckets = FractionalHashing.v2().prepare(flagKey);
    this.toggles = b.toggles;
    this.clock = b.clock;
    this.local = new InProcessMetricSource(release.latencySamples(), b.seed);
    this.source = b.source != null ? b.source : local;
    this.judge = b.judge != null ? b.judge : Judge.statistical();
    this.allowList = Map.copyOf(b.allowList);
    this.breaker = b.breaker;
    MeterRegistry registry = b.registry;
    this.registry = registry;
    for (Cohort cohort : Cohort.values()) {
      for (Outcome outcome : Outcome.values()) {
        timers[index(cohort, outcome)] = Timer.builder(REQUESTS_METER)
            .description("Requests served by each side of a canary release")
            .tags("canary", release.name(), "cohort", cohort.tag(), "outcome", outcome.tag())
            .minimumExpectedValue(MIN_EXPECTED_LATENCY)
            .maximumExpectedValue(MAX_EXPECTED_LATENCY)
            .register(registry);
      }
    }
    for (Verdict.Result result : Verdict.Result.values()) {
      verdicts.put(result, Counter.builder("progressive.canary.verdicts")
          .description("Verdicts of the canary judge")
          .tags("canary", release.name(), "verdict", result.tag())
          .register(registry));
    }
    Gauge.builder("progressive.canary.weight", this, c -> c.weight / 100.0)
        .description("The share of keys sent to the canary, in percent")
        .tag("canary", release.name())
        .register(registry);
    this.changeSubscription = toggles.onChange(changed -> {
      if (changed.keys().contains(flagKey)) {
        refresh();
      }
    });
    ensureStored();
    refresh();
    if (breaker != null) {
      breaker.getEventPublisher().onStateTransition(event -> {
        if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
          breakerOpened();
        }
      });
    }
    this.schedule = b.scheduler == null ? null : b.scheduler.every(release.analysisInterval(), this::analyzeSafely);
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

  /**
   * The side for a key with the caller's explicit cohort (read by the web layer from a header or a cookie), which
   * wins when not null.
   */
  public Cohort decide(String key, Cohort explicitCohort) {
    return explicitCohort != null ? explicitCohort : decide(key);
  }

  // ---------------------------------------------------------------- execution

  /** {@link #call(String, Cohort, Supplier, Supplier)} without an explicit cohort. */
  public <T> T call(String key, Supplier<T> baseline, Supplier<T> canary) {
    return call(key, null, baseline, canary);
  }

  /**
   * Routes the key, runs the chosen side, times it and records its outcome. When the canary throws, its error is
   * recorded (and counted by the circuit breaker) and the baseline answers instead; the baseline's own exceptions
   * propagate unchanged, recorded as baseline errors. When the circuit breaker does not permit a call, the baseline
   * serves it.
   */
  public <T> T call(String key, Cohort explicitCohort, Supplier<T> baseline, Supplier<T> canary) {
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(canary, "canary");
    Cohort cohort = decide(key, explicitCohort);
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
        record(Cohort.CANARY, nanos, Outcome.SUCCESS);
        return value;
      } catch (RuntimeException e) {
        long nanos = System.nanoTime() - start;
        if (breaker != null) {
          breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
        }
        record(Cohort.CANARY, nanos, Outcome.ERROR);
        throw e;
      }
    };
    return SupplierUtils.recover(timedCanary, RuntimeException.class, e -> {
      log.debug("canary '{}' failed, the baseline answers instead", release.name(), e);
      return baseline.get();
    }).get();
  }

  private <T> T timed(Supplier<T> baseline) {
    long start = System.nanoTime();
    try {
      T value = baseline.get();
      record(Cohort.BASELINE, System.nanoTime() - start, Outcome.SUCCESS);
      return value;
    } catch (RuntimeException | Error e) {
      record(Cohort.BASELINE, System.nanoTime() - start, Outcome.ERROR);
      throw e;
    }
  }

  /** Records one request of a caller that routes by itself (for example an HTTP client). */
  public void record(Cohort cohort, Duration duration, Outcome outcome) {
    Objects.requireNonNull(duration, "duration");
    record(cohort, duration.toNanos(), outcome);
  }

  private void record(Cohort cohort, long nanos, Outcome outcome) {
    Objects.requireNonNull(cohort, "cohort");
    Objects.requireNonNull(outcome, "outcome");
    timers[index(cohort, outcome)].record(nanos, TimeUnit.NANOSECONDS);
    local.record(cohort, nanos, outcome);
  }

  private static int index(Cohort cohort, Outcome outcome) {
    return cohort.ordinal() * 2 + outcome.ordinal();
  }

  // ---------------------------------------------------------------- state and operations

  /** The definition. */
  public CanaryRelease release() {
    return release;
  }

  /** The state, as this instance last read it from the store. */
  public CanaryState state() {
    return stored.state();
  }

  /** The current step index, -1 when no step is in force. */
  public int step() {
    return stored.step();
  }

  /** The canary's current weight, in basis points (1% = 100). */
  public int weight() {
    return weight;
  }

  /** The summary of the verdict behind the last automatic transition, or empty. */
  public String lastVerdictSummary() {
    return stored.lastVerdict();
  }

  /** The transitions of this canary, oldest first, from the flag's audit. */
  public List<AuditEntry> history(Instant from, Instant to, int limit) {
    return toggles.admin().history(flagKey, from, to, limit);
  }

  /** Starts the first step. Only from PENDING. */
  public void start(String actor, String reason) {
    StoredCanary s = current();
    requireState(s, "start", CanaryState.PENDING);
    CanaryRelease.Step first = release.steps().get(0);
    write(s, s.next(CanaryState.PROGRESSING, 0, first.weight(), now(), ""), "start", actor, reason, null, true);
  }

  /**
   * Promotes by hand: one step up, or fully to 100%. From PENDING, one step is the first step. From PAUSED, the
   * canary keeps progressing at the new step.
   */
  public void promote(String actor, String reason, boolean fully) {
    StoredCanary s = current();
    requireState(s, "promote", CanaryState.PENDING, CanaryState.PROGRESSING, CanaryState.PAUSED);
    StoredCanary next = fully ? promoted(s) : stepUp(s, "");
    write(s, next, "promote", actor, reason, null, true);
  }

  /** Holds the weight and stops judging. Only from PROGRESSING. */
  public void pause(String actor, String reason) {
    StoredCanary s = current();
    requireState(s, "pause", CanaryState.PROGRESSING);
    write(s, s.next(CanaryState.PAUSED, s.step(), s.weight(), s.stepStartedAt(), s.lastVerdict()), "pause", actor,
        reason, null, true);
  }

  /** Resumes a paused canary; the step's window starts again now. Only from PAUSED. */
  public void resume(String actor, String reason) {
    StoredCanary s = current();
    requireState(s, "resume", CanaryState.PAUSED);
    write(s, s.next(CanaryState.PROGRESSING, s.step(), s.weight(), now(), s.lastVerdict()), "resume", actor, reason,
        null, true);
  }

  /** Rolls back to 0 at once. From any state that is not final. */
  public void abort(String actor, String reason) {
    StoredCanary s = current();
    requireState(s, "abort", CanaryState.PENDING, CanaryState.PROGRESSING, CanaryState.PAUSED);
    write(s, s.next(CanaryState.ROLLED_BACK, -1, 0, 0, s.lastVerdict()), "abort", actor, reason, null, true);
  }

  /** Calls the listener after every transition made by this instance. @return a handle that removes it */
  public AutoCloseable onTransition(Consumer<CanaryTransition> listener) {
    Objects.requireNonNull(listener, "listener");
    transitionListeners.add(listener);
    return () -> transitionListeners.remove(listener);
  }

  /** Calls the listener after every look of the judge on this instance. @return a handle that removes it */
  public AutoCloseable onVerdict(Consumer<VerdictReported> listener) {
    Objects.requireNonNull(listener, "listener");
    verdictListeners.add(listener);
    return () -> verdictListeners.remove(listener);
  }

  /** Stops the analysis and the store subscription. Routing keeps the last weight. */
  @Override
  public void close() {
    closeQuietly(schedule);
    closeQuietly(changeSubscription);
  }

  // ---------------------------------------------------------------- the controller

  private void analyzeSafely() {
    try {
      analyze();
    } catch (RuntimeException e) {
      log.warn("canary '{}': the analysis failed; it runs again at the next interval", release.name(), e);
    }
  }

  /**
   * One look: judges the current step when the canary progresses, and advances, holds or rolls back. Called by the
   * scheduler at every analysis interval.
   *
   * @return the verdict, or empty when the canary does not progress
   */
  Optional<Verdict> analyze() {
    synchronized (analysisLock) {
      StoredCanary s = current();
      if (s.state() != CanaryState.PROGRESSING) {
        return Optional.empty();
      }
      syncWindow(s);
      Instant startedAt = Instant.ofEpochMilli(s.stepStartedAt());
      Instant now = clock.instant();
      Verdict verdict;
      MetricSource.Window window = null;
      try {
        window = source.observe(release.name(), startedAt, now);
        verdict = judge.judge(new Judge.Look(release, s.step(), startedAt, now, window));
      } catch (Exception e) {
        verdict = new Verdict(Verdict.Result.INCONCLUSIVE, List.of(), 0, 0,
            "INCONCLUSIVE: the metric source could not be read (" + e + ")", now);
      }
      verdicts.get(verdict.result()).increment();
      Duration elapsed = Duration.between(startedAt, now);
      CanaryRelease.Step step = release.steps().get(s.step());
      Duration inconclusiveLimit = step.minDuration().plus(release.maxInconclusive());
      if (source == local && window != null && window.baseline().requests() == 0
          && window.canary().requests() == 0) {
        // This instance served nothing in the step, so its verdict says nothing about the canary: with a shared
        // store, instances that did serve requests decide first. It acts only one maxInconclusive later, so that a
        // fleet with no traffic at all still rolls back in the end.
        inconclusiveLimit = inconclusiveLimit.plus(release.maxInconclusive());
      }
      boolean stuck = verdict.result() == Verdict.Result.INCONCLUSIVE && elapsed.compareTo(inconclusiveLimit) > 0;
      String action = switch (verdict.result()) {
        case FAIL -> "rollback";
        case PASS -> s.step() + 1 < release.steps().size() ? "advance" : "promote";
        case INCONCLUSIVE -> stuck ? "rollback" : "hold";
      };
      log.debug("canary '{}' step {}: {}", release.name(), s.step(), verdict.summary());
      VerdictReported event = new VerdictReported(release.name(), s.step(), verdict, release.dryRun(), action);
      for (Consumer<VerdictReported> listener : verdictListeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          log.warn("a verdict listener of canary '{}' failed", release.name(), e);
        }
      }
      if (action.equals("hold")) {
        return Optional.of(verdict);
      }
      if (release.dryRun()) {
        log.info("canary '{}' (dry run) would {} at step {}: {}", release.name(), action, s.step(),
            verdict.summary());
        return Optional.of(verdict);
      }
      String summary = verdict.summary();
      switch (action) {
        case "rollback" -> write(s, s.next(CanaryState.ROLLED_BACK, -1, 0, 0, summary), "rollback", CONTROLLER,
            stuck ? "inconclusive for longer than " + inconclusiveLimit
                + ": " + summary : summary, verdict, false);
        case "advance", "promote" -> write(s, stepUp(s, summary), action, CONTROLLER, summary, verdict, false);
        default -> throw new IllegalStateException(action);
      }
      return Optional.of(verdict);
    }
  }

  private void breakerOpened() {
    try {
      StoredCanary s = current();
      if (!s.state().isFinal() && s.state() != CanaryState.PENDING) {
        write(s, s.next(CanaryState.ROLLED_BACK, -1, 0, 0, s.lastVerdict()), "rollback", CONTROLLER,
            "the canary's circuit breaker opened", null, false);
      }
    } catch (RuntimeException e) {
      log.warn("canary '{}': could not roll back after the circuit breaker opened", release.name(), e);
    }
  }

  private StoredCanary stepUp(StoredCanary s, String verdict) {
    int next = s.step() + 1;
    if (next >= release.steps().size()) {
      return promoted(s).next(CanaryState.PROMOTED, -1, CanaryRelease.BUCKETS, 0, verdict);
    }
    return s.next(CanaryState.PROGRESSING, next, release.steps().get(next).weight(), now(), verdict);
  }

  private static StoredCanary promoted(StoredCanary s) {
    return s.next(CanaryState.PROMOTED, -1, CanaryRelease.BUCKETS, 0, s.lastVerdict());
  }

  /**
   * Stores a transition as a compare-and-set on the version read. Manual transitions propagate a conflict to the
   * operator; automatic ones treat it as another instance having made the transition.
   */
  private void write(StoredCanary from, StoredCanary to, String action, String actor, String reason, Verdict verdict,
      boolean manual) {
    String auditReason = "[canary " + action + "] " + reason;
    FlagView view;
    try {
      view = toggles.admin().replaceDefinition(flagKey, to.definition(release.name()),
          ChangeRequest.of(actor, auditReason, from.version()));
    } catch (VersionConflictException e) {
      refresh();
      if (manual) {
        throw e;
      }
      log.debug("canary '{}': another instance changed it first ({}); nothing done", release.name(),
          e.getMessage());
      return;
    }
    apply(StoredCanary.parse(view.effectiveDefinition(), view.version()));
    CanaryTransition event = new CanaryTransition(release.name(), from.state(), to.state(), from.weight(),
        to.weight(), to.step(), action, actor, reason, verdict, clock.instant());
    log.info("canary '{}' {}: {} {}% -> {} {}% by {}: {}", release.name(), action, from.state(),
        from.weight() / 100.0, to.state(), to.weight() / 100.0, actor, reason);
    Counter.builder("progressive.canary.transitions")
        .description("Transitions of a canary release made by this instance, by action and resulting state")
        .tags("canary", release.name(), "action", action, "state", to.state().name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
    for (Consumer<CanaryTransition> listener : transitionListeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("a transition listener of canary '{}' failed", release.name(), e);
      }
    }
  }

  private void requireState(StoredCanary s, String action, CanaryState... allowed) {
    for (CanaryState state : allowed) {
      if (s.state() == state) {
        return;
      }
    }
    throw new IllegalStateException("cannot " + action + " canary '" + release.name() + "' in state " + s.state()
        + "; allowed from " + List.of(allowed));
  }

  private long now() {
    return clock.millis();
  }

  /** Creates the flag at PENDING when no instance has yet. */
  private void ensureStored() {
    if (toggles.admin().flag(flagKey).isPresent()) {
      return;
    }
    try {
      toggles.admin().replaceDefinition(flagKey, StoredCanary.initial().definition(release.name()),
          ChangeRequest.of(CONTROLLER, "[canary define] canary '" + release.name() + "' defined", 0));
    } catch (VersionConflictException e) {
      log.debug("canary '{}' was defined by another instance", release.name());
    }
  }

  /** Reads the state in force from the toggles (as the store last told this instance). */
  private StoredCanary current() {
    FlagView view = toggles.admin().flag(flagKey)
        .orElseThrow(() -> new IllegalStateException("the flag '" + flagKey + "' of canary '" + release.name()
            + "' was removed from the store"));
    return StoredCanary.parse(view.effectiveDefinition(), view.version());
  }

  private void refresh() {
    try {
      apply(current());
    } catch (RuntimeException e) {
      log.warn("canary '{}': its flag cannot be read; routing keeps the last weight", release.name(), e);
    }
  }

  /**
   * Puts a stored state in force, unless a newer one already is. Two threads can apply at once (the store's listener
   * and a caller re-reading after a lost compare-and-set), and an older read must not overwrite a newer one: the
   * weight would stay behind until the next change.
   */
  private void apply(StoredCanary s) {
    synchronized (stateLock) {
      if (s.version() < stored.version()) {
        return;
      }
      stored = s;
      weight = s.weight();
    }
    syncWindow(s);
  }

  /**
   * Starts a new window when the step (or its resumption) changed. Takes only its own lock and never calls the
   * toggles, so that the store's listener thread and the analysis cannot block each other.
   */
  private void syncWindow(StoredCanary s) {
    synchronized (windowLock) {
      syncWindowLocked(s);
    }
  }

  private void syncWindowLocked(StoredCanary s) {
    if (s.state() == CanaryState.PROGRESSING && s.stepStartedAt() != windowStart) {
      windowStart = s.stepStartedAt();
      Instant from = Instant.ofEpochMilli(windowStart);
      local.windowStarted(release.name(), from);
      if (source != local) {
        source.windowStarted(release.name(), from);
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing failed", e);
    }
  }

  @Override
  public String toString() {
    return "Canary[" + release.name() + ", " + stored.state() + ", step " + stored.step() + ", "
        + weight / 100.0 + "%]";
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
    private long seed = 0x5eed;

    private Builder(CanaryRelease release, Toggles toggles) {
      this.release = Objects.requireNonNull(release, "release");
      this.toggles = Objects.requireNonNull(toggles, "toggles");
    }

    /** The clock of steps and verdicts. Default: the system clock. */
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

    /** Where the judge reads the window. Default: the {@link InProcessMetricSource} of this instance. */
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

    /** The seed of the latency reservoir sampling. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Builds the canary, defining its flag at PENDING when the store has none, and starts its analysis. */
    public Canary build() {
      return new Canary(this);
    }
  }
}
