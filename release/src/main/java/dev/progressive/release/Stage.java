package dev.progressive.release;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One stage of a {@link ReleasePlan}: what happens on entry, the gate that lets the plan leave it, and what a
 * rollback does. Immutable; built with the factories below and {@link Builder}.
 *
 * <pre>{@code
 * Stage.dark().minSuccessfulCalls(50)                      // testers made 50 successful calls to the new one
 *     .failAboveErrorRate(0.05).minCallsToJudge(100)        // more than 5% of 100 or more of theirs failed: roll back
 * Stage.verify(runner, "pricing").minComparisons(1_000).minMatchRate(0.99).window(Duration.ofMinutes(30))
 *     .failAboveMismatchRate(0.05).noise(ComparisonOutcome.TIMEOUT)
 * Stage.verify(ComparisonSource.httpShadow(shadow, "get-order", registry))   // or an HTTP shadow's route compares
 * Stage.canary()                                           // the plan's canary: its steps and judge, as they are
 * Stage.approval()                                         // a person approves, with a reason
 * Stage.switchover().keepOld(Duration.ofMinutes(30))       // blue-green: everyone at once, the old kept ready
 * Stage.retire().quietPeriod(Duration.ofHours(24))         // the old path unused on every instance for a day
 *     .removeFlags(true)                                   // then the plan's flag leaves the store
 * Stage.featureRollout("checkout-ui", "new", "old").steps(1, 5, 25, 100)   // a flag's fractional rollout, judged
 * }</pre>
 *
 * <table>
 * <caption>Entry, gate and rollback of each kind</caption>
 * <tr><th>kind</th><th>entry</th><th>gate</th></tr>
 * <tr><td>dark, preview</td><td>weight 0: only explicit cohorts reach the new one</td>
 *     <td>manual ({@code advance}), or at least {@code minSuccessfulCalls} successful explicit calls; fails when,
 *     once {@code minCallsToJudge} explicit calls were made, more than {@code failAboveErrorRate} of them failed</td>
 *     </tr>
 * <tr><td>verify</td><td>weight 0; the experiment or the HTTP shadow compares</td>
 *     <td>after {@code window}, at least {@code minComparisons} and a match rate of at least {@code minMatchRate};
 *     fails above {@code failAboveMismatchRate}</td></tr>
 * <tr><td>canary</td><td>starts the canary</td><td>the canary promoted; fails when it rolled back</td></tr>
 * <tr><td>approval</td><td>nothing</td><td>{@code approve(actor, reason)}</td></tr>
 * <tr><td>switch</td><td>everyone on the new one at once</td><td>{@code keepOld} elapsed</td></tr>
 * <tr><td>retire</td><td>nothing</td><td>no instance served the old path for {@code quietPeriod}; then, with
 *     {@code removeFlags}, the plan's flag is removed from the store</td></tr>
 * <tr><td>rollout (one per step)</td><td>the flag's weights: the new variant at the step's percent</td>
 *     <td>the judge's PASS on the fleet's calls per variant (a 100% step passes at once); fails on its FAIL, or when
 *     INCONCLUSIVE past {@code maxInconclusive}; a rollback puts the old variant back at 100%</td></tr>
 * </table>
 *
 * <p>A rollback from any stage sends everyone back to the old implementation at once (see {@link ReleasePlan}).
 */
public final class Stage {

  private final StageKind kind;
  private final String name;
  private final int percent;
  /** This stage's own copy of its builder's settings. */
  private final StageSpec spec;
  private final CanaryRelease analysis;

  private Stage(StageSpec spec, int percent) {
    this.spec = spec.frozen();
    this.kind = spec.kind;
    String label = spec.name != null ? spec.name : spec.kind.label();
    this.name = spec.kind == StageKind.FEATURE_ROLLOUT ? label + "-" + percent : label;
    this.percent = percent;
    this.analysis = spec.kind == StageKind.FEATURE_ROLLOUT && percent < 100 ? spec.analysis(percent) : null;
  }

  /** A dark stage: weight 0, only explicit cohorts; its gate is manual unless {@link Builder#minSuccessfulCalls}. */
  public static Builder dark() {
    return new Builder(new StageSpec(StageKind.DARK));
  }

  /** Blue-green's preview: testers reach the new version through explicit cohorts; a dark stage by another name. */
  public static Builder preview() {
    return new Builder(new StageSpec(StageKind.PREVIEW));
  }

  /**
   * A verify stage on one experiment of a parallel runner: the comparisons it counts in
   * {@code progressive.parallelrun.comparisons} on every instance, pooled by the plan. Short for
   * {@code verify(ComparisonSource.parallelRun(runner, experiment))}.
   */
  public static Builder verify(ParallelRunner runner, String experiment) {
    return verify(ComparisonSource.parallelRun(runner, experiment));
  }

  /**
   * A verify stage on a source of comparisons: a parallel run's experiment ({@link ComparisonSource#parallelRun}) or
   * an HTTP shadow's route ({@link ComparisonSource#httpShadow}). Each instance counts what its source compared in
   * the stage, and the plan gates on the fleet's sum, with the same settings whatever the source.
   */
  public static Builder verify(ComparisonSource source) {
    return new Builder(StageSpec.verify(source));
  }

  /** The plan's canary, with its steps and judge, as they are. */
  public static Builder canary() {
    return new Builder(new StageSpec(StageKind.CANARY));
  }

  /** Waits for a person: {@link ReleasePlan#approve}. */
  public static Builder approval() {
    return new Builder(new StageSpec(StageKind.APPROVAL));
  }

  /** Blue-green's one switch to 100%, keeping the old implementation ready for {@link Builder#keepOld}. */
  public static Builder switchover() {
    return new Builder(new StageSpec(StageKind.SWITCH));
  }

  /** Watches the old path after promotion, until no instance served it for {@link Builder#quietPeriod}. */
  public static Builder retire() {
    return new Builder(new StageSpec(StageKind.RETIRE));
  }

  /**
   * A guarded feature rollout of a flag's {@code fractional} weights, one stage per step of {@link Builder#steps}
   * (named {@code rollout-1}, {@code rollout-5}, ...; add it with {@link ReleasePlan.Builder#stage(Builder)}). Each
   * step's entry writes the flag's weights (the new variant at the step's percent, the old one at the rest) through
   * the toggles store by compare-and-set, with the plan's actor, reason and evidence; its gate is the judge's verdict
   * on the calls served with each variant on every instance (recorded through
   * {@link dev.progressive.toggles.VariantRecording}); a rollback puts the old variant back at 100%.
   *
   * @param flagKey the flag whose weights the plan writes; its variants must include both below
   * @param newVariant the variant being rolled out (the judge's canary side)
   * @param oldVariant the variant it replaces (the judge's baseline side)
   */
  public static Builder featureRollout(String flagKey, String newVariant, String oldVariant) {
    return new Builder(StageSpec.featureRollout(flagKey, newVariant, oldVariant));
  }

  public StageKind kind() {
    return kind;
  }

  /** The stage's name, unique in its plan: the kind's label unless named otherwise. */
  public String name() {
    return name;
  }

  /** Dark and preview: successful explicit calls to the new implementation the gate needs; 0 for a manual gate. */
  public long minSuccessfulCalls() {
    return spec.minSuccessfulCalls;
  }

  /**
   * Dark and preview: the share of the fleet's explicit calls to the new implementation that may fail, pooled over
   * every instance; above it (once {@link #minCallsToJudge()} were made) the gate fails and the plan rolls back. 1,
   * the default, never fails.
   */
  public double failAboveErrorRate() {
    return spec.failAboveErrorRate;
  }

  /** Dark and preview: explicit calls, successful and failed, the fleet makes before its error rate is judged. */
  public long minCallsToJudge() {
    return spec.minCallsToJudge;
  }

  /** Verify: where the comparisons are read, or null for other kinds. */
  public ComparisonSource comparisons() {
    return spec.comparisons;
  }

  /** Verify on a parallel run: the runner whose experiment is counted, or null. */
  public ParallelRunner runner() {
    return spec.runner;
  }

  /**
   * Verify: the name the comparisons are counted under, the {@code experiment} tag: the experiment's, or the HTTP
   * shadow route's; null for a source of your own and for other kinds.
   */
  public String experiment() {
    return spec.experiment;
  }

  /** Verify: the comparisons the fleet must have made in the stage (noise and ignored ones not counted). */
  public long minComparisons() {
    return spec.minComparisons;
  }

  /** Verify: the match rate the gate needs, in (0, 1]. */
  public double minMatchRate() {
    return spec.minMatchRate;
  }

  /** Verify: how long the stage lasts at least before its gate can pass. */
  public Duration window() {
    return spec.window;
  }

  /** Verify: the mismatch rate above which the plan is rolled back, once {@link #minComparisons()} were made. */
  public double failAboveMismatchRate() {
    return spec.failAboveMismatchRate;
  }

  /**
   * Verify: outcomes other than MATCH and MISMATCH that are noise, counted neither way (IGNORED always is, and
   * REJECTED is never counted: the candidate was not run).
   */
  public Set<ComparisonOutcome> noise() {
    return spec.noise;
  }

  /** Switch: how long the old implementation stays ready (a rollback is instant) before the next stage. */
  public Duration keepOld() {
    return spec.keepOld;
  }

  /** Retire: how long every instance must have served the old path 0 times. */
  public Duration quietPeriod() {
    return spec.quietPeriod;
  }

  /** Retire: whether the plan removes its flag from the store once the old implementation can be removed. */
  public boolean removeFlags() {
    return spec.removeFlags;
  }

  /** Feature rollout: the flag whose weights the stage writes, or null. */
  public String flagKey() {
    return spec.flagKey;
  }

  /** Feature rollout: the variant being rolled out, or null. */
  public String newVariant() {
    return spec.newVariant;
  }

  /** Feature rollout: the variant it replaces, or null. */
  public String oldVariant() {
    return spec.oldVariant;
  }

  /** Feature rollout: the new variant's percent in this step, 1 to 100; 0 for other kinds. */
  public int percent() {
    return percent;
  }

  /** Feature rollout: the judge of the step. */
  public Judge judge() {
    return spec.judge;
  }

  /**
   * Feature rollout: what the judge is given as the release of its {@link Judge.Look} (the step with its minimum
   * duration and requests per variant, the metrics, alpha, the latency samples and the inconclusive limit); null for
   * a 100% step, which has nothing left to compare, and for other kinds.
   */
  public CanaryRelease analysis() {
    return analysis;
  }

  /** Whether the gate waits for an operator's {@code advance} (or, for approval, {@code approve}). */
  public boolean manualGate() {
    return kind == StageKind.APPROVAL
        || ((kind == StageKind.DARK || kind == StageKind.PREVIEW) && spec.minSuccessfulCalls == 0);
  }

  @Override
  public String toString() {
    return "Stage[" + name + ", " + kind.label() + "]";
  }

  /**
   * Builds a {@link Stage}; every setter checks its argument at once and that it fits the stage's kind (an
   * {@link IllegalStateException} names the setting and the kind).
   */
  public static final class Builder {
    private final StageSpec spec;

    private Builder(StageSpec spec) {
      this.spec = spec;
    }

    /** Names the stage (default: the kind's label): 1 to 63 of {@code [a-z0-9._-]}, unique in the plan. */
    public Builder name(String name) {
      spec.name(name);
      return this;
    }

    /** Dark and preview: the gate passes after this many successful explicit calls to the new implementation. */
    public Builder minSuccessfulCalls(long calls) {
      spec.minSuccessfulCalls(calls);
      return this;
    }

    /**
     * Dark and preview: the gate FAILS, and the plan rolls back (everyone on the old implementation), when more than
     * this share of the explicit calls to the new implementation failed, pooled over the fleet's instances, once
     * {@link #minCallsToJudge} of them were made; in [0, 1], default 1 (never). A failed call is one where the new
     * implementation threw through {@link ReleasePlan#call} (the old one answered instead) or one
     * {@link ReleasePlan#record recorded} as unsuccessful. Applies to a manual gate too: the operator's advance is
     * then refused.
     */
    public Builder failAboveErrorRate(double rate) {
      spec.failAboveErrorRate(rate);
      return this;
    }

    /**
     * Dark and preview: the explicit calls, successful and failed, the fleet must have made in the stage before
     * {@link #failAboveErrorRate} is judged; at least 1, default 100. Only with {@code failAboveErrorRate}:
     * {@link #build} refuses it alone.
     */
    public Builder minCallsToJudge(long calls) {
      spec.minCallsToJudge(calls);
      return this;
    }

    /** Verify: comparisons needed, noise and ignored ones not counted; default 100. */
    public Builder minComparisons(long comparisons) {
      spec.minComparisons(comparisons);
      return this;
    }

    /** Verify: the match rate needed, in (0, 1]; default 0.99. */
    public Builder minMatchRate(double rate) {
      spec.minMatchRate(rate);
      return this;
    }

    /** Verify: how long the stage lasts at least before it can pass; default 0. */
    public Builder window(Duration window) {
      spec.window(window);
      return this;
    }

    /** Verify: a mismatch rate above this, once the minimum comparisons were made, fails the plan; default 1 (never). */
    public Builder failAboveMismatchRate(double rate) {
      spec.failAboveMismatchRate(rate);
      return this;
    }

    /**
     * Verify: outcomes that are noise and count neither as a match nor as a mismatch, e.g. {@code TIMEOUT} or
     * {@code CANDIDATE_ERROR}. MATCH and MISMATCH cannot be noise. Without this, TIMEOUT and CANDIDATE_ERROR count as
     * mismatches. IGNORED is always noise, and REJECTED (the candidate was not run: the runner's bulkhead or queue was
     * full) is never counted, whether named here or not: the gate's evidence shows it apart, as not compared.
     */
    public Builder noise(ComparisonOutcome... outcomes) {
      spec.noise(outcomes);
      return this;
    }

    /** Switch: how long the old implementation stays ready, a rollback being instant; default 30 minutes. */
    public Builder keepOld(Duration keep) {
      spec.keepOld(keep);
      return this;
    }

    /** Retire: how long every instance must have served the old path 0 times; default 24 hours. */
    public Builder quietPeriod(Duration period) {
      spec.quietPeriod(period);
      return this;
    }

    /**
     * Retire: whether, once the old implementation can be removed, the plan also removes its flag
     * ({@code release.<name>}) from the store, audited with the driver as the actor and the gate's evidence as the
     * reason; default false. Routing stays on the new implementation, and the plan stays COMPLETED on every instance,
     * including those started later. The canary's flag stays: the canary has no way to remove it. Deleting the old
     * code stays with people.
     */
    public Builder removeFlags(boolean remove) {
      spec.removeFlags(remove);
      return this;
    }

    /**
     * Feature rollout: the new variant's percents, increasing, each in 1 to 100, the last 100; default 1, 5, 25,
     * 100. Each is a stage of its own.
     */
    public Builder steps(int... percents) {
      spec.steps(percents);
      return this;
    }

    /** Feature rollout: the judge; default {@link Judge#statistical()}, the canaries' judge. */
    public Builder judge(Judge judge) {
      spec.judge(judge);
      return this;
    }

    /** Feature rollout: a metric the judge compares; default the canaries' (error rate, latency, p99 latency). */
    public Builder metric(Metric metric) {
      spec.metric(metric);
      return this;
    }

    /** Feature rollout: how long each step lasts at least before it can pass; default 10 minutes. */
    public Builder minDuration(Duration minDuration) {
      spec.minDuration(minDuration);
      return this;
    }

    /** Feature rollout: calls each variant must have served on the fleet in a step before it can pass; default 1,000. */
    public Builder minRequestsPerVariant(long requests) {
      spec.minRequestsPerVariant(requests);
      return this;
    }

    /** Feature rollout: how long a step may stay INCONCLUSIVE before the plan is rolled back; default 30 minutes. */
    public Builder maxInconclusive(Duration maxInconclusive) {
      spec.maxInconclusive(maxInconclusive);
      return this;
    }

    /** Feature rollout: the judge's false-alarm budget per step, in (0, 0.5); default 0.005, as a canary's. */
    public Builder alpha(double alpha) {
      spec.alpha(alpha);
      return this;
    }

    /**
     * Builds the stage. A feature rollout of several steps is several stages: add it with
     * {@link ReleasePlan.Builder#stage(Builder)}.
     *
     * @throws IllegalStateException for a feature rollout of more than one step, or settings that do not fit
     *     together ({@code minCallsToJudge} without {@code failAboveErrorRate})
     */
    public Stage build() {
      spec.checkTogether();
      if (spec.kind == StageKind.FEATURE_ROLLOUT) {
        if (spec.steps.length != 1) {
          throw new IllegalStateException("a feature rollout of " + spec.steps.length + " steps is "
              + spec.steps.length + " stages: add it with ReleasePlan.Builder.stage(Stage.Builder)");
        }
        return new Stage(spec, spec.steps[0]);
      }
      return new Stage(spec, 0);
    }

    /** The stages this builder makes: one per rollout step, else one. */
    List<Stage> buildAll() {
      spec.checkTogether();
      if (spec.kind != StageKind.FEATURE_ROLLOUT) {
        return List.of(build());
      }
      List<Stage> all = new ArrayList<>();
      for (int percent : spec.steps) {
        all.add(new Stage(spec, percent));
      }
      return all;
    }
  }
}
