package dev.progressive.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.MetricSource.Side;
import dev.progressive.canary.MetricSource.Window;
import dev.progressive.canary.Verdict.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One judge serves many canaries and steps: its verdicts depend on the look alone. The old judge kept the alpha it
 * had spent keyed by the step's start, so a second rollout with the same start, or a second canary judged in between,
 * got a judge that could no longer fail.
 */
class StatelessJudgeTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** The README's metrics: error rate and p99, 10% allowed each. */
  private static final CanaryRelease RELEASE = CanaryRelease.builder("pricing")
      .step(5, Duration.ofMinutes(10), 2_000)
      .metric(Metric.errorRate().allowedChange(0.10))
      .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
      .build();

  /**
   * The looks of one step: every minute 300 more requests per side, latencies log-normal with median 60 ms, 0.5%
   * errors; with a tail regression, 3% of the canary's requests are 10 times slower (the median stays, the p99 is
   * about 2.6 times the baseline's).
   */
  private static List<Judge.Look> looks(boolean tailRegression, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Judge.Look> looks = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    List<Double> canary = new ArrayList<>();
    long eb = 0;
    long ec = 0;
    for (int minute = 1; minute <= 20; minute++) {
      for (int i = 0; i < 300; i++) {
        baseline.add(60 * Math.exp(0.5 * gaussian(random)));
        double c = 60 * Math.exp(0.5 * gaussian(random));
        canary.add(tailRegression && random.nextDouble() < 0.03 ? c * 10 : c);
        eb += random.nextDouble() < 0.005 ? 1 : 0;
        ec += random.nextDouble() < 0.005 ? 1 : 0;
      }
      Window w = new Window(new Side(baseline.size(), eb, toArray(baseline)),
          new Side(canary.size(), ec, toArray(canary)));
      looks.add(new Judge.Look(RELEASE, 0, START, START.plus(Duration.ofMinutes(minute)), w));
    }
    return looks;
  }

  @Test
  void oneJudgeForTwoCanariesInterleavedAndASecondRolloutGivesTheVerdictsOfFreshJudges() {
    List<Judge.Look> regressed = looks(true, 1);
    List<Judge.Look> healthy = looks(false, 2);
    List<Verdict> fresh = new ArrayList<>();
    for (int i = 0; i < regressed.size(); i++) {
      fresh.add(Judge.statistical().judge(regressed.get(i)));
    }
    List<Verdict> freshHealthy = new ArrayList<>();
    for (Judge.Look look : healthy) {
      freshHealthy.add(Judge.statistical().judge(look));
    }

    Judge shared = Judge.statistical();
    List<Verdict> interleaved = new ArrayList<>();
    List<Verdict> interleavedHealthy = new ArrayList<>();
    for (int i = 0; i < regressed.size(); i++) {
      interleaved.add(shared.judge(regressed.get(i)));
      interleavedHealthy.add(shared.judge(healthy.get(i)));
    }
    List<Verdict> secondRollout = new ArrayList<>();
    for (Judge.Look look : regressed) {
      secondRollout.add(shared.judge(look));
    }

    assertThat(summaries(interleaved)).isEqualTo(summaries(fresh));
    assertThat(summaries(interleavedHealthy)).isEqualTo(summaries(freshHealthy));
    assertThat(summaries(secondRollout)).as("a second rollout with the same step start").isEqualTo(summaries(fresh));
    assertThat(fresh).as("the tail regression is caught").anyMatch(v -> v.result() == Result.FAIL);
    assertThat(freshHealthy).as("the healthy canary is never failed").noneMatch(v -> v.result() == Result.FAIL);
  }

  @Test
  void aQuantileThatCouldNotBeJudgedAtTheFirstLooksCanStillFailLater() {
    // The old judge spent the p99's alpha at the looks where it had too few latencies to run, and then could never
    // fail it. Here the first looks have too few latencies for the p99, and a later look fails it.
    List<Judge.Look> looks = looks(true, 3);
    Judge judge = Judge.statistical();
    List<Verdict> verdicts = looks.stream().map(judge::judge).toList();
    assertThat(verdicts.get(0).metrics().get(1).reason()).contains("needs").contains("latency samples per side");
    assertThat(verdicts.get(0).result()).isEqualTo(Result.INCONCLUSIVE);
    assertThat(verdicts).anySatisfy(v -> {
      assertThat(v.result()).isEqualTo(Result.FAIL);
      assertThat(v.metrics().get(1).reason()).contains("p99 latency").contains("regression shown");
    });
  }

  private static List<String> summaries(List<Verdict> verdicts) {
    return verdicts.stream().map(v -> v.result() + " " + v.summary()).toList();
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
