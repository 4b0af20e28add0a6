package dev.progressive.release;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge;
import dev.progressive.canary.Metric;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stage's settings as {@link Stage.Builder} collects them: each one checked as it is set, and only for the kinds of
 * stage it fits; a {@link Stage} keeps a copy. The defaults are those the builder documents.
 */
final class StageSpec {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  final StageKind kind;
  String name;
  long minSuccessfulCalls;
  double failAboveErrorRate = 1.0;
  boolean failAboveErrorRateSet;
  long minCallsToJudge = 100;
  boolean minCallsToJudgeSet;
  ComparisonSource comparisons;
  ParallelRunner runner;
  String experiment;
  long minComparisons = 100;
  double minMatchRate = 0.99;
  Duration window = Duration.ZERO;
  double failAboveMismatchRate = 1.0;
  Set<ComparisonOutcome> noise = EnumSet.noneOf(ComparisonOutcome.class);
  Duration keepOld = Duration.ofMinutes(30);
  Duration quietPeriod = Duration.ofHours(24);
  boolean removeFlags;
  String flagKey;
  String newVariant;
  String oldVariant;
  int[] steps = {1, 5, 25, 100};
  Judge judge = Judge.statistical();
  List<Metric> metrics = new ArrayList<>();
  Duration minDuration = Duration.ofMinutes(10);
  long minRequestsPerVariant = 1_000;
  Duration maxInconclusive = Duration.ofMinutes(30);
  double alpha = 0.005;

  StageSpec(StageKind kind) {
    this.kind = kind;
  }

  /** A copy that no later setting changes, with unmodifiable collections: what a built {@link Stage} keeps. */
  StageSpec frozen() {
    StageSpec c = new StageSpec(kind);
    c.name = name;
    c.minSuccessfulCalls = minSuccessfulCalls;
    c.failAboveErrorRate = failAboveErrorRate;
    c.failAboveErrorRateSet = failAboveErrorRateSet;
    c.minCallsToJudge = minCallsToJudge;
    c.minCallsToJudgeSet = minCallsToJudgeSet;
    c.comparisons = comparisons;
    c.runner = runner;
    c.experiment = experiment;
    c.minComparisons = minComparisons;
    c.minMatchRate = minMatchRate;
    c.window = window;
    c.failAboveMismatchRate = failAboveMismatchRate;
    c.noise = Set.copyOf(noise);
    c.keepOld = keepOld;
    c.quietPeriod = quietPeriod;
    c.removeFlags = removeFlags;
    c.flagKey = flagKey;
    c.newVariant = newVariant;
    c.oldVariant = oldVariant;
    c.steps = steps.clone();
    c.judge = judge;
    c.metrics = List.copyOf(metrics);
    c.minDuration = minDuration;
    c.minRequestsPerVariant = minRequestsPerVariant;
    c.maxInconclusive = maxInconclusive;
    c.alpha = alpha;
    return c;
  }

  // ------------------------------------------------------------------ what each kind is made of

  static StageSpec verify(ComparisonSource source) {
    StageSpec s = new StageSpec(StageKind.VERIFY);
    s.comparisons = Objects.requireNonNull(source, "source");
    if (source instanceof CountedComparisons c) {
      s.experiment = c.tag();
      s.runner = c.runner();
    }
    return s;
  }

  static StageSpec featureRollout(String flagKey, String newVariant, String oldVariant) {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(newVariant, "newVariant");
    Objects.requireNonNull(oldVariant, "oldVariant");
    if (flagKey.isBlank() || newVariant.isBlank() || oldVariant.isBlank()) {
      throw new IllegalArgumentException("a feature rollout needs a flag key and two variants, none blank; was '"
          + flagKey + "', '" + newVariant + "', '" + oldVariant + "'");
    }
    if (newVariant.equals(oldVariant)) {
      throw new IllegalArgumentException("a feature rollout of flag '" + flagKey + "' needs two different variants; "
          + "both are '" + newVariant + "'");
    }
    StageSpec s = new StageSpec(StageKind.FEATURE_ROLLOUT);
    s.flagKey = flagKey;
    s.newVariant = newVariant;
    s.oldVariant = oldVariant;
    return s;
  }

  // ------------------------------------------------------------------ settings, checked

  void name(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a stage name is 1 to 63 of [a-z0-9._-], starting with a letter or digit;"
          + " was '" + name + "'");
    }
    this.name = name;
  }

  void minSuccessfulCalls(long calls) {
    only("minSuccessfulCalls", StageKind.DARK, StageKind.PREVIEW);
    if (calls < 0) {
      throw new IllegalArgumentException("minSuccessfulCalls must be 0 (a manual gate) or more, was " + calls);
    }
    this.minSuccessfulCalls = calls;
  }

  void failAboveErrorRate(double rate) {
    only("failAboveErrorRate", StageKind.DARK, StageKind.PREVIEW);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("failAboveErrorRate must be in [0, 1], was " + rate);
    }
    this.failAboveErrorRate = rate;
    this.failAboveErrorRateSet = true;
  }

  void minCallsToJudge(long calls) {
    only("minCallsToJudge", StageKind.DARK, StageKind.PREVIEW);
    this.minCallsToJudge = atLeast("minCallsToJudge", calls, 1);
    this.minCallsToJudgeSet = true;
  }

  /**
   * Checks the settings together, when the stage is built.
   *
   * @throws IllegalStateException naming the setting that has no effect without another
   */
  void checkTogether() {
    if (minCallsToJudgeSet && !failAboveErrorRateSet) {
      throw new IllegalStateException("minCallsToJudge (" + minCallsToJudge + ") applies to failAboveErrorRate, "
          + "which is not set: set failAboveErrorRate too, or leave minCallsToJudge out");
    }
  }

  void minComparisons(long comparisons) {
    only("minComparisons", StageKind.VERIFY);
    this.minComparisons = atLeast("minComparisons", comparisons, 1);
  }

  void minMatchRate(double rate) {
    only("minMatchRate", StageKind.VERIFY);
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("minMatchRate must be in (0, 1], was " + rate);
    }
    this.minMatchRate = rate;
  }

  void window(Duration window) {
    only("window", StageKind.VERIFY);
    this.window = notNegative("window", window);
  }

  void failAboveMismatchRate(double rate) {
    only("failAboveMismatchRate", StageKind.VERIFY);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("failAboveMismatchRate must be in [0, 1], was " + rate);
    }
    this.failAboveMismatchRate = rate;
  }

  void noise(ComparisonOutcome... outcomes) {
    only("noise", StageKind.VERIFY);
    for (ComparisonOutcome o : outcomes) {
      Objects.requireNonNull(o, "outcome");
      if (o == ComparisonOutcome.MATCH || o == ComparisonOutcome.MISMATCH) {
        throw new IllegalArgumentException(o + " cannot be noise: the gate would count nothing or pass everything");
      }
      noise.add(o);
    }
  }

  void keepOld(Duration keep) {
    only("keepOld", StageKind.SWITCH);
    this.keepOld = notNegative("keepOld", keep);
  }

  void quietPeriod(Duration period) {
    only("quietPeriod", StageKind.RETIRE);
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("quietPeriod must be positive, was " + period);
    }
    this.quietPeriod = period;
  }

  void removeFlags(boolean remove) {
    only("removeFlags", StageKind.RETIRE);
    this.removeFlags = remove;
  }

  void steps(int... percents) {
    only("steps", StageKind.FEATURE_ROLLOUT);
    if (percents.length == 0) {
      throw new IllegalArgumentException("a feature rollout needs at least one step");
    }
    for (int i = 0; i < percents.length; i++) {
      if (percents[i] < 1 || percents[i] > 100) {
        throw new IllegalArgumentException("a rollout step is a percent in 1 to 100, was " + percents[i]
            + " (step " + (i + 1) + ")");
      }
      if (i > 0 && percents[i] <= percents[i - 1]) {
        throw new IllegalArgumentException("rollout steps must increase: " + percents[i] + "% after "
            + percents[i - 1] + "%");
      }
    }
    if (percents[percents.length - 1] != 100) {
      throw new IllegalArgumentException("a feature rollout's last step must be 100 (everyone on the new variant), "
          + "was " + percents[percents.length - 1]);
    }
    this.steps = percents.clone();
  }

  void judge(Judge judge) {
    only("judge", StageKind.FEATURE_ROLLOUT);
    this.judge = Objects.requireNonNull(judge, "judge");
  }

  void metric(Metric metric) {
    only("metric", StageKind.FEATURE_ROLLOUT);
    metrics.add(Objects.requireNonNull(metric, "metric"));
  }

  void minDuration(Duration minDuration) {
    only("minDuration", StageKind.FEATURE_ROLLOUT);
    this.minDuration = notNegative("minDuration", minDuration);
  }

  void minRequestsPerVariant(long requests) {
    only("minRequestsPerVariant", StageKind.FEATURE_ROLLOUT);
    this.minRequestsPerVariant = atLeast("minRequestsPerVariant", requests, 1);
  }

  void maxInconclusive(Duration maxInconclusive) {
    only("maxInconclusive", StageKind.FEATURE_ROLLOUT);
    this.maxInconclusive = notNegative("maxInconclusive", maxInconclusive);
  }

  void alpha(double alpha) {
    only("alpha", StageKind.FEATURE_ROLLOUT);
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5), was " + alpha);
    }
    this.alpha = alpha;
  }

  // ------------------------------------------------------------------ a rollout step's analysis

  /** The release the judge reads a rollout step's minimums, metrics and alpha from. */
  CanaryRelease analysis(int percent) {
    CanaryRelease.Builder b = CanaryRelease.builder(analysisName(flagKey))
        .step(percent, minDuration, minRequestsPerVariant)
        .maxInconclusive(maxInconclusive).alpha(alpha);
    metrics.forEach(b::metric);
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("feature rollout of flag '" + flagKey + "', step " + percent + "%: "
          + e.getMessage().replace("raise the step's minimum requests", "raise minRequestsPerVariant"), e);
    }
  }

  private static String analysisName(String flagKey) {
    String n = flagKey.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    n = n.replaceFirst("^[^a-z0-9]+", "");
    n = n.length() > 100 ? n.substring(0, 100) : n;
    return n.isEmpty() ? "rollout" : n;
  }

  // ------------------------------------------------------------------ checks

  private void only(String setting, StageKind... kinds) {
    for (StageKind k : kinds) {
      if (k == kind) {
        return;
      }
    }
    throw new IllegalStateException(setting + " does not apply to a " + kind.label() + " stage");
  }

  private static Duration notNegative(String setting, Duration d) {
    Objects.requireNonNull(d, setting);
    if (d.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative, was " + d);
    }
    return d;
  }

  private static long atLeast(String setting, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(setting + " must be at least " + min + ", was " + value);
    }
    return value;
  }
}
