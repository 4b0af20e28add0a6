package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryAction;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.internal.lease.FleetLease;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.FleetStatus;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.InconclusiveTimeout;
import dev.progressive.canary.Judge;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.toggles.store.VersionConflictException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller of one canary on one instance: at every analysis interval it has this instance's window published
 * ({@link FleetWindows}), and when it holds the analysis lease it has the fleet's windows summed, judges them and
 * alone makes the automatic transitions; it also makes the operators' transitions. Every transition is a compare-and-set on the
 * stored state; a verdict that loses one is reconsidered on the new state, never silently dropped.
 */
public final class CanaryController {

  /** The actor of automatic transitions. */
  public static final String CONTROLLER = "canary-controller";

  private static final Logger log = LoggerFactory.getLogger(CanaryController.class);
  private static final int MAX_ATTEMPTS = 3;

  /**
   * How many times per analysis interval an instance that shares a fleet store publishes its window: the holder's
   * look sums windows at most a quarter of an interval old, instead of up to a whole one.
   */
  public static final int PUBLISHES_PER_LOOK = 4;

  private final CanaryRelease release;
  private final String name;
  private final CanaryStateStore state;
  private final WindowRecorder recorder;
  private final FleetStore fleet;
  private final boolean sharedFleet;
  private final String instance;
  private final FleetLease lease;
  private final Clock clock;
  private final Judge judge;
  /** An external source of the fleet's windows (Prometheus), or null to sum the published windows. */
  private final MetricSource source;
  private final CanaryMetrics metrics;
  private final CanaryEvents events;
  private final boolean perInstanceGuard;
  private final Object analysisLock = new Object();
  private final FleetWindows windows;
  private volatile boolean leaseHolder;
  private volatile int instancesJudged;
  /** Under analysisLock. */
  private boolean finalCleaned;
  /** Ticks of the scheduler since the last look; under analysisLock. */
  private int ticks;

  /** What the controller works with. */
  public record Setup(CanaryRelease release, CanaryStateStore state, WindowRecorder recorder, FleetStore fleet,
      boolean sharedFleet, String instance, Clock clock, Judge judge, MetricSource source, CanaryMetrics metrics,
      CanaryEvents events, boolean perInstanceGuard) {}

  public CanaryController(Setup s) {
    this.release = s.release();
    this.name = release.name();
    this.state = s.state();
    this.recorder = s.recorder();
    this.fleet = s.fleet();
    this.sharedFleet = s.sharedFleet();
    this.instance = s.instance();
    this.clock = s.clock();
    this.judge = s.judge();
    this.source = s.source();
    this.metrics = s.metrics();
    this.events = s.events();
    this.perInstanceGuard = s.perInstanceGuard();
    this.windows = new FleetWindows(name, fleet, instance, recorder);
    Duration interval = release.analysisInterval();
    this.lease = new FleetLease(fleet, name, instance, interval.plus(interval.dividedBy(2)));
  }

  /** The window key of a progressing state. */
  public static FleetStore.WindowKey key(String canary, StoredCanary s) {
    return new FleetStore.WindowKey(canary, s.step(), s.stepStartedAt());
  }

  /** How this instance takes part in the fleet's judgement. */
  public FleetStatus status() {
    return new FleetStatus(instance, sharedFleet, leaseHolder, instancesJudged, windows.publishError(),
        windows.skipped());
  }

  // ---------------------------------------------------------------- the analysis

  /**
   * How many ticks the scheduler makes per analysis interval: {@link #PUBLISHES_PER_LOOK} when the instance shares
   * its windows (a look at every last one, a publish at the others), 1 (every tick a look) when it judges alone or
   * from a metric source.
   */
  public int ticksPerLook() {
    return sharedFleet && source == null ? PUBLISHES_PER_LOOK : 1;
  }

  /** One tick of the scheduler, every interval / {@link #ticksPerLook()}: a look or a publish; never throws. */
  public void tickSafely() {
    boolean look;
    synchronized (analysisLock) {
      ticks++;
      look = ticks >= ticksPerLook();
      if (look) {
        ticks = 0;
      }
    }
    if (look) {
      analyzeSafely();
    } else {
      try {
        publish();
      } catch (RuntimeException e) {
        log.warn("canary '{}': the publish failed; it runs again at the next tick", name, e);
      }
    }
  }

  /**
   * Publishes this instance's window of the step in force, without judging: between two looks, so that the holder
   * sums windows that are fresh. Reads no store but the fleet store's upsert; a failure is retried at the next tick.
   */
  public void publish() {
    synchronized (analysisLock) {
      StoredCanary s = state.inForce();
      if (s.state() != CanaryState.PROGRESSING || source != null) {
        return;
      }
      FleetStore.WindowKey key = key(name, s);
      if (key.equals(recorder.key())) {
        windows.publish(key, clock.millis());
      }
    }
  }

  /** One look, for the scheduler: never throws. */
  public void analyzeSafely() {
    try {
      analyze();
    } catch (RuntimeException e) {
      log.warn("canary '{}': the analysis failed; it runs again at the next interval", name, e);
    }
  }

  /**
   * One look: publishes this instance's window and, when this instance holds the analysis lease, judges the fleet's
   * and advances, holds or rolls back.
   *
   * @return the verdict, or empty when the canary does not progress or another instance judges it
   */
  public Optional<Verdict> analyze() {
    synchronized (analysisLock) {
      Optional<StoredCanary> read = state.read();
      if (read.isEmpty() || read.get().state() != CanaryState.PROGRESSING) {
        leaseHolder = false;
        if (read.isPresent() && read.get().state().isFinal() && recorder.key() != null && !finalCleaned) {
          // A publish that raced with the final transition may have left a row behind: delete the canary's rows
          // once more, from every instance that ever published.
          finalCleaned = true;
          try {
            fleet.retainOnly(name, Optional.empty());
          } catch (Exception e) {
            log.debug("canary '{}': the windows of the ended canary could not be deleted", name, e);
          }
        }
        return Optional.empty();
      }
      StoredCanary s = read.get();
      long now = clock.millis();
      FleetStore.WindowKey key = key(name, s);
      recorder.startWindow(key);
      if (source == null) {
        windows.publish(key, now);
      }
      try {
        leaseHolder = lease.holdOrTake(now);
      } catch (Exception e) {
        leaseHolder = false;
        log.debug("canary '{}': the analysis lease cannot be read; this instance does not judge now", name, e);
      }
      if (!leaseHolder) {
        instancesJudged = 0;
        return Optional.empty();
      }
      return Optional.of(judgeAndAct(s, key, now));
    }
  }

  /** A decision: what to do and why, on which verdict. */
  private record Decision(CanaryAction action, String reason, Verdict verdict, boolean regression) {}

  private Verdict judgeAndAct(StoredCanary s, FleetStore.WindowKey key, long nowMillis) {
    Instant startedAt = Instant.ofEpochMilli(s.stepStartedAt());
    Instant now = Instant.ofEpochMilli(nowMillis);
    FleetWindows.Pooled pooled = null;
    MetricSource.Window window = null;
    Verdict verdict;
    try {
      if (source != null) {
        window = source.observe(name, startedAt, now);
      } else {
        try {
          fleet.retainOnly(name, Optional.of(key));
        } catch (Exception e) {
          log.debug("canary '{}': the windows of earlier steps could not be deleted", name, e);
        }
        pooled = windows.pool(key);
        window = pooled.total().toWindow(release.latencySamples(), "");
      }
      verdict = judge.judge(new Judge.Look(release, s.step(), startedAt, now, window));
    } catch (Exception e) {
      String what = source != null ? "the metric source could not be read" : "the fleet's windows could not be read";
      verdict = new Verdict(Verdict.Result.INCONCLUSIVE, List.of(), 0, 0, "INCONCLUSIVE: " + what + " (" + e + ")",
          now);
    }
    instancesJudged = pooled == null ? 0 : pooled.perInstance().size();
    metrics.verdict(verdict.result());
    Decision decision = decide(s, startedAt, now, verdict, window, pooled);
    log.debug("canary '{}' step {}: {}", name, s.step(), verdict.summary());
    events.publish(new VerdictReported(name, s.step(), decision.verdict(), release.dryRun(), decision.action()));
    if (decision.action() == CanaryAction.HOLD) {
      return verdict;
    }
    if (release.dryRun()) {
      log.info("canary '{}' (dry run) would {} at step {}: {}", name, decision.action().tag(), s.step(),
          decision.reason());
      return verdict;
    }
    act(s, decision, nowMillis);
    return verdict;
  }

  private Decision decide(StoredCanary s, Instant startedAt, Instant now, Verdict verdict,
      MetricSource.Window window, FleetWindows.Pooled pooled) {
    String summary = verdict.summary();
    if (verdict.result() == Verdict.Result.FAIL) {
      return new Decision(CanaryAction.ROLLBACK, summary, verdict, true);
    }
    if (perInstanceGuard && pooled != null && pooled.perInstance().size() > 1) {
      for (Map.Entry<String, FleetWindow> e : pooled.perInstance().entrySet()) {
        Verdict alone = judge.judge(new Judge.Look(release, s.step(), startedAt, now,
            e.getValue().toWindow(release.latencySamples(), "")));
        if (alone.result() == Verdict.Result.FAIL) {
          return new Decision(CanaryAction.ROLLBACK, "instance '" + e.getKey() + "' alone shows a regression "
              + "(per-instance guard; the fleet's verdict: " + verdict.result() + "): " + alone.summary(), alone,
              true);
        }
      }
    }
    if (verdict.result() == Verdict.Result.PASS) {
      return new Decision(s.step() + 1 < release.steps().size() ? CanaryAction.ADVANCE : CanaryAction.PROMOTE,
          summary, verdict, false);
    }
    CanaryRelease.Step step = release.steps().get(s.step());
    Duration limit = step.minDuration().plus(release.maxInconclusive());
    if (!sharedFleet && source == null && window != null && window.baseline().requests() == 0
        && window.canary().requests() == 0) {
      // This instance judges alone and served nothing in the step, so its verdict says nothing about the canary:
      // instances that did serve requests decide first. It acts only one maxInconclusive later, so that a fleet
      // with no traffic at all still ends.
      limit = limit.plus(release.maxInconclusive());
    }
    if (Duration.between(startedAt, now).compareTo(limit) > 0) {
      CanaryAction action = release.onInconclusiveTimeout() == InconclusiveTimeout.WAIT_FOR_OPERATOR ? CanaryAction.WAIT_FOR_OPERATOR
          : CanaryAction.ROLLBACK;
      return new Decision(action, "inconclusive for longer than " + limit + ": " + summary, verdict, false);
    }
    return new Decision(CanaryAction.HOLD, summary, verdict, false);
  }

  /**
   * Makes the decision's transition. A lost compare-and-set is reconsidered on the state that won: a rollback on
   * evidence of a regression still applies to any state that is not final; a decision about the step's window
   * applies only while that window is still the one in force, and otherwise the next look judges the new state.
   */
  private void act(StoredCanary judged, Decision decision, long nowMillis) {
    StoredCanary from = judged;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        if (!lease.confirm(nowMillis)) {
          leaseHolder = false;
          log.info("canary '{}': instance '{}' lost the analysis lease while judging; it steps down and does not "
              + "{}", name, instance, decision.action().tag());
          return;
        }
      } catch (Exception e) {
        log.warn("canary '{}': the analysis lease cannot be renewed ({}); the {} waits for the next look", name,
            e.toString(), decision.action().tag());
        return;
      }
      try {
        write(from, target(from, decision), decision.action(), CONTROLLER, decision.reason(), decision.verdict());
        return;
      } catch (VersionConflictException e) {
        Optional<StoredCanary> now = state.read();
        Optional<StoredCanary> next = now.filter(n -> stillApplies(judged, n, decision));
        if (next.isEmpty()) {
          log.info("canary '{}': the {} decided at step {} lost to another change ({}); the new state is judged at "
              + "the next look", name, decision.action().tag(), judged.step(),
              now.map(n -> n.state() + " step " + n.step()).orElse("the flag is missing"));
          return;
        }
        log.info("canary '{}': the {} lost to another change; it still applies to {} step {}", name,
            decision.action().tag(), next.get().state(), next.get().step());
        from = next.get();
      }
    }
    log.warn("canary '{}': the {} lost {} compare-and-sets in a row; the next look tries again", name,
        decision.action().tag(), MAX_ATTEMPTS);
  }

  private static boolean stillApplies(StoredCanary judged, StoredCanary now, Decision decision) {
    if (now.state().isFinal() || now.state() == CanaryState.PENDING) {
      return false;
    }
    if (decision.regression()) {
      return true;
    }
    return now.state() == CanaryState.PROGRESSING && now.sameWindow(judged);
  }

  private StoredCanary target(StoredCanary from, Decision decision) {
    return switch (decision.action()) {
      case ROLLBACK -> from.next(CanaryState.ROLLED_BACK, -1, 0, 0, decision.verdict().summary());
      case ADVANCE, PROMOTE -> stepUp(from, decision.verdict().summary());
      case WAIT_FOR_OPERATOR -> from.awaitingOperator(decision.reason());
      default -> throw new IllegalStateException("not an automatic transition: " + decision.action());
    };
  }

  // ---------------------------------------------------------------- the operators' transitions

  /** Starts the first step. Only from PENDING. */
  public void start(String actor, String reason) {
    StoredCanary s = state.require();
    requireState(s, "start", CanaryState.PENDING);
    CanaryRelease.Step first = release.steps().get(0);
    write(s, s.next(CanaryState.PROGRESSING, 0, first.weight(), clock.millis(), ""), CanaryAction.START, actor,
        reason, null);
    // The instance that starts the rollout takes the analysis lease when nobody holds it, rather than the first
    // instance to look: that one would judge before any other had looked and published at the end of the interval.
    synchronized (analysisLock) {
      try {
        leaseHolder = lease.holdOrTake(clock.millis());
      } catch (Exception e) {
        log.debug("canary '{}': the analysis lease cannot be taken at the start; the first look takes it", name, e);
      }
    }
  }

  /** Promotes one step up, or fully. */
  public void promote(String actor, String reason, boolean fully) {
    StoredCanary s = state.require();
    requireState(s, "promote", CanaryState.PENDING, CanaryState.PROGRESSING, CanaryState.PAUSED);
    StoredCanary next = fully ? promoted(s) : stepUp(s, "");
    write(s, next, CanaryAction.PROMOTE, actor, reason, null);
  }

  /** Holds the weight and stops judging. Only from PROGRESSING. */
  public void pause(String actor, String reason) {
    StoredCanary s = state.require();
    requireState(s, "pause", CanaryState.PROGRESSING);
    write(s, s.next(CanaryState.PAUSED, s.step(), s.weight(), s.stepStartedAt(), s.lastVerdict()),
        CanaryAction.PAUSE, actor, reason, null);
  }

  /** Resumes a paused canary; the step's window starts again now. Only from PAUSED. */
  public void resume(String actor, String reason) {
    StoredCanary s = state.require();
    requireState(s, "resume", CanaryState.PAUSED);
    write(s, s.next(CanaryState.PROGRESSING, s.step(), s.weight(), clock.millis(), s.lastVerdict()),
        CanaryAction.RESUME, actor, reason, null);
  }

  /** Rolls back to 0 at once. From any state that is not final. */
  public void abort(String actor, String reason) {
    StoredCanary s = state.require();
    requireState(s, "abort", CanaryState.PENDING, CanaryState.PROGRESSING, CanaryState.PAUSED);
    write(s, s.next(CanaryState.ROLLED_BACK, -1, 0, 0, s.lastVerdict()), CanaryAction.ABORT, actor, reason, null);
  }

  /** Rolls back because the canary's circuit breaker opened; retried on the newer state when another change won. */
  public void breakerOpened() {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        Optional<StoredCanary> read = state.read();
        if (read.isEmpty() || read.get().state().isFinal() || read.get().state() == CanaryState.PENDING) {
          return;
        }
        StoredCanary s = read.get();
        write(s, s.next(CanaryState.ROLLED_BACK, -1, 0, 0, s.lastVerdict()), CanaryAction.ROLLBACK, CONTROLLER,
            "the canary's circuit breaker opened", null);
        return;
      } catch (VersionConflictException e) {
        log.debug("canary '{}': the rollback after the circuit breaker opened lost to another change; again", name);
      } catch (RuntimeException e) {
        log.warn("canary '{}': could not roll back after the circuit breaker opened", name, e);
        return;
      }
    }
  }

  private StoredCanary stepUp(StoredCanary s, String verdict) {
    int next = s.step() + 1;
    if (next >= release.steps().size()) {
      return s.next(CanaryState.PROMOTED, -1, CanaryRelease.BUCKETS, 0, verdict);
    }
    return s.next(CanaryState.PROGRESSING, next, release.steps().get(next).weight(), clock.millis(), verdict);
  }

  private static StoredCanary promoted(StoredCanary s) {
    return s.next(CanaryState.PROMOTED, -1, CanaryRelease.BUCKETS, 0, s.lastVerdict());
  }

  /**
   * Stores a transition as a compare-and-set on the version read, then reports it and deletes the windows of steps
   * that ended.
   *
   * @throws VersionConflictException when another instance or an operator changed the canary first
   */
  private void write(StoredCanary from, StoredCanary to, CanaryAction action, String actor, String reason,
      Verdict verdict) {
    StoredCanary stored = state.compareAndSet(from, to, actor, "[canary " + action.tag() + "] " + reason);
    CanaryTransition event = new CanaryTransition(name, from.state(), to.state(), from.weight(), to.weight(),
        to.step(), action, actor, reason, verdict, clock.instant());
    log.info("canary '{}' {}: {} {}% -> {} {}% by {}: {}", name, action.tag(), from.state(), from.weight() / 100.0,
        to.state(), to.weight() / 100.0, actor, reason);
    metrics.transition(action, to.state());
    events.publish(event);
    try {
      fleet.retainOnly(name, stored.state() == CanaryState.PROGRESSING ? Optional.of(key(name, stored))
          : Optional.empty());
    } catch (Exception e) {
      log.debug("canary '{}': the windows of the step that ended could not be deleted now", name, e);
    }
  }

  private void requireState(StoredCanary s, String action, CanaryState... allowed) {
    for (CanaryState allowedState : allowed) {
      if (s.state() == allowedState) {
        return;
      }
    }
    throw new IllegalStateException("cannot " + action + " canary '" + name + "' in state " + s.state()
        + "; allowed from " + List.of(allowed));
  }
}
