package dev.progressive.canary;

import dev.progressive.testing.ManualScheduler;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Drives the real controller (Canary, toggles store, judge) with synthetic traffic on a fake clock and a manual
 * scheduler, with known error rates and latency distributions, and counts how rollouts end. Every rollout has its
 * own fixed seed. One instance; the fleet is simulated elsewhere.
 *
 * <p>Traffic is generated in aggregate at each look: the requests since the last look are split by the current
 * weight; errors per side are binomial; each side keeps a uniform reservoir of latencies, evolved as Algorithm R
 * would over the individual requests (the number of replacements follows the expected R·ln(n'/n)).
 */
final class CanarySimulator {

  /** Baseline latency: log-normal, median 60 ms, sigma 0.5 (docs/canary-judge.md). */
  static final double MEDIAN = 60;
  static final double SIGMA = 0.5;
  /** The baseline's error rate. */
  static final double ERRORS = 0.005;
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final Duration MAX_TIME = Duration.ofHours(12);

  /**
   * A scenario: error rates, the canary's latency transform, traffic (requests per second for the whole service, or
   * for the canary side when {@code canaryFixedRate}), and the release.
   */
  record Scenario(String id, String description, double baselineErrors, double canaryErrors,
      LatencyModel canaryLatency, double totalPerSecond, boolean canaryFixedRate, Supplier<CanaryRelease> release) {}

  /** Draws a canary latency from a baseline-distributed one. */
  @FunctionalInterface
  interface LatencyModel {
    double apply(double baselineMillis, SplittableRandom random);
  }

  static final LatencyModel SAME = (x, r) -> x;

  /** Every latency 3% slower: within the allowed 10%. */
  static final LatencyModel SLOWER_3 = (x, r) -> x * 1.03;

  /** Every latency 30% slower: between the allowed +10% and the pass margin +50% of the p99. */
  static final LatencyModel SLOWER_30 = (x, r) -> x * 1.3;

  /** The tail regression: 3% of the requests 10 times slower, the median unchanged; p99 about 2.6 times. */
  static final LatencyModel TAIL_3_PERCENT_10X = (x, r) -> r.nextDouble() < 0.03 ? x * 10 : x;

  /**
   * Only the tail: latencies above the baseline's p95 are stretched so that the p99 is 50% higher; the median and
   * the p95 stay the same.
   */
  static final LatencyModel TAIL_50;

  static {
    double p95 = 100 * Math.exp(SIGMA * 1.6448536);
    double p99 = 100 * Math.exp(SIGMA * 2.3263479);
    double k = (1.5 * p99 - p95) / (p99 - p95);
    TAIL_50 = (x, r) -> x <= p95 ? x : p95 + (x - p95) * k;
  }

  /** Requests per second for the whole service in the scenarios. */
  static final double FLEET_TRAFFIC = 1_200;

  /**
   * The README's release: steps 5, 25 and 50% of 10 minutes each with 2,000 requests per side at least, the error
   * rate and the p99 with 10% allowed each (pass margins +50%), alpha 0.005, 30 minutes inconclusive at most.
   */
  static CanaryRelease release() {
    return CanaryRelease.builder("sim")
        .step(5, Duration.ofMinutes(10), 2_000)
        .step(25, Duration.ofMinutes(10), 2_000)
        .step(50, Duration.ofMinutes(10), 2_000)
        .metric(Metric.errorRate().allowedChange(0.10))
        .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .maxInconclusive(Duration.ofMinutes(30))
        .analysisInterval(INTERVAL)
        .build();
  }

  /**
   * The same with a first step of 1%. At 1,200 requests/s its canary gets 12 requests/s and needs about 15,600 to
   * show a 0.5% error rate within +50% (docs/canary-judge.md): 22 minutes for the median rollout, more for the
   * unlucky ones, so this release allows 60 minutes inconclusive instead of 30.
   */
  static CanaryRelease releaseFromOnePercent() {
    return CanaryRelease.builder("sim")
        .step(1, Duration.ofMinutes(10), 2_000)
        .step(5, Duration.ofMinutes(10), 2_000)
        .step(25, Duration.ofMinutes(10), 2_000)
        .step(50, Duration.ofMinutes(10), 2_000)
        .metric(Metric.errorRate().allowedChange(0.10))
        .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .maxInconclusive(Duration.ofMinutes(60))
        .analysisInterval(INTERVAL)
        .build();
  }

  static final Scenario[] SCENARIOS = {
      new Scenario("A", "canary equal to baseline (0.5% errors, same latency)", ERRORS, ERRORS, SAME,
          FLEET_TRAFFIC, false, CanarySimulator::release),
      new Scenario("A1", "canary equal, first step 1%", ERRORS, ERRORS, SAME, FLEET_TRAFFIC, false,
          CanarySimulator::releaseFromOnePercent),
      new Scenario("B", "errors x4 (0.5% -> 2%)", ERRORS, 4 * ERRORS, SAME, FLEET_TRAFFIC, false,
          CanarySimulator::release),
      new Scenario("C", "errors x2 (0.5% -> 1%)", ERRORS, 2 * ERRORS, SAME, FLEET_TRAFFIC, false,
          CanarySimulator::release),
      new Scenario("C1", "errors x2, first step 1%", ERRORS, 2 * ERRORS, SAME, FLEET_TRAFFIC, false,
          CanarySimulator::releaseFromOnePercent),
      new Scenario("D", "p99 tail: 3% of requests 10x slower, same median", ERRORS, ERRORS, TAIL_3_PERCENT_10X,
          FLEET_TRAFFIC, false, CanarySimulator::release),
      new Scenario("D1", "p99 tail, first step 1%", ERRORS, ERRORS, TAIL_3_PERCENT_10X, FLEET_TRAFFIC, false,
          CanarySimulator::releaseFromOnePercent),
      new Scenario("E", "within the allowance: latency +3%, errors +5%", ERRORS, 1.05 * ERRORS, SLOWER_3,
          FLEET_TRAFFIC, false, CanarySimulator::release),
      new Scenario("F", "between allowed and margin: errors +30%", ERRORS, 1.3 * ERRORS, SAME, FLEET_TRAFFIC, false,
          CanarySimulator::release),
      new Scenario("G", "between allowed and margin: latency +30%", ERRORS, ERRORS, SLOWER_30, FLEET_TRAFFIC, false,
          CanarySimulator::release),
      new Scenario("H", "low traffic (1 request/s on the canary side)", ERRORS, ERRORS, SAME, 1, true,
          CanarySimulator::release),
  };

  static Scenario scenario(String id) {
    for (Scenario s : SCENARIOS) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException(id);
  }

  /** How rollouts of one scenario ended. */
  record Summary(Scenario scenario, String judge, int rollouts, int rolledBack, int timedOut, int promoted,
      long medianRequests, long medianMinutes, long minCanaryRequestsWhenPromoted) {
    double rolledBackShare() {
      return (double) rolledBack / rollouts;
    }

    double promotedShare() {
      return (double) promoted / rollouts;
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %s | %s | %.1f%% | %.1f%% | %.1f%% | %d min | %,d |", scenario.id(),
          scenario.description(), judge, rolledBackShare() * 100, 100.0 * timedOut / rollouts,
          promotedShare() * 100, medianMinutes, medianRequests);
    }
  }

  /** Runs {@code rollouts} rollouts of a scenario with judges from {@code judges}, seeds 1..rollouts. */
  static Summary run(Scenario scenario, String judgeName, Supplier<Judge> judges, int rollouts) {
    int rolledBack = 0;
    int timedOut = 0;
    int promoted = 0;
    long[] requests = new long[rollouts];
    long[] minutes = new long[rollouts];
    long minPromoted = Long.MAX_VALUE;
    for (int i = 0; i < rollouts; i++) {
      Rollout r = rollout(scenario, judges.get(), 1_000L * (i + 1) + scenario.id().hashCode());
      if (r.state == CanaryState.ROLLED_BACK) {
        rolledBack++;
        timedOut += r.timedOut ? 1 : 0;
      } else if (r.state == CanaryState.PROMOTED) {
        promoted++;
        minPromoted = Math.min(minPromoted, r.minStepCanaryRequests);
      }
      requests[i] = r.requests;
      minutes[i] = r.minutes;
    }
    Arrays.sort(requests);
    Arrays.sort(minutes);
    return new Summary(scenario, judgeName, rollouts, rolledBack, timedOut, promoted, requests[rollouts / 2],
        minutes[rollouts / 2], minPromoted == Long.MAX_VALUE ? 0 : minPromoted);
  }

  /**
   * How one rollout ended, and after how many minutes; {@code timedOut} when it was rolled back for being
   * inconclusive too long rather than on a FAIL.
   */
  record Rollout(CanaryState state, long requests, long minStepCanaryRequests, long minutes, boolean timedOut) {}

  static Rollout rollout(Scenario scenario, Judge judge, long seed) {
    CanaryRelease release = scenario.release().get();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    MutableClock clock = new MutableClock(start);
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore(clock, 100)).clock(clock).build()) {
      Traffic traffic = new Traffic(scenario, release.latencySamples(), new SplittableRandom(seed));
      Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler::every).judge(judge)
          .metricSource(traffic).build();
      traffic.weight = canary::weight;
      long[] minStepCanary = {Long.MAX_VALUE};
      boolean[] timedOut = {false};
      canary.onTransition(t -> {
        if (t.action() == CanaryAction.ADVANCE || t.action() == CanaryAction.PROMOTE) {
          minStepCanary[0] = Math.min(minStepCanary[0], t.verdict().canaryRequests());
        }
        if (t.action() == CanaryAction.ROLLBACK && t.verdict() != null) {
          timedOut[0] = t.verdict().result() == Verdict.Result.INCONCLUSIVE;
        }
      });
      canary.start("simulator", "rollout " + seed);
      Instant end = clock.instant().plus(MAX_TIME);
      while (!canary.state().isFinal() && clock.instant().isBefore(end)) {
        scheduler.advance(INTERVAL);
      }
      canary.close();
      return new Rollout(canary.state(), traffic.total, minStepCanary[0],
          Duration.between(start, clock.instant()).toMinutes(), timedOut[0]);
    }
  }

  /** The synthetic traffic of one rollout, as a metric source of the current step's window. */
  static final class Traffic implements MetricSource {
    private final Scenario scenario;
    private final SplittableRandom random;
    private final SideSample baseline;
    private final SideSample canary;
    IntSupplier weight = () -> 0;
    long total;
    private Instant generatedUntil;
    private double carry;

    Traffic(Scenario scenario, int samples, SplittableRandom random) {
      this.scenario = scenario;
      this.random = random;
      this.baseline = new SideSample(samples);
      this.canary = new SideSample(samples);
    }

    @Override
    public void windowStarted(String name, Instant from) {
      baseline.reset();
      canary.reset();
      generatedUntil = from;
    }

    @Override
    public Window observe(String name, Instant from, Instant to) {
      if (generatedUntil == null) {
        generatedUntil = from;
      }
      double seconds = Duration.between(generatedUntil, to).toMillis() / 1000.0;
      generatedUntil = to;
      double w = weight.getAsInt() / (double) CanaryRelease.BUCKETS;
      long nb;
      long nc;
      if (scenario.canaryFixedRate()) {
        double exact = seconds * scenario.totalPerSecond() + carry;
        nc = (long) exact;
        carry = exact - nc;
        nb = Math.round(nc * (1 - w) / w);
      } else {
        double exact = seconds * scenario.totalPerSecond() + carry;
        long n = (long) exact;
        carry = exact - n;
        nc = Math.round(n * w);
        nb = n - nc;
      }
      total += nb + nc;
      baseline.add(nb, binomial(nb, scenario.baselineErrors()), SAME);
      canary.add(nc, binomial(nc, scenario.canaryErrors()), scenario.canaryLatency());
      return new Window(baseline.side(), canary.side());
    }

    private long binomial(long n, double p) {
      if (n == 0) {
        return 0;
      }
      if (n < 200) {
        long k = 0;
        for (long i = 0; i < n; i++) {
          k += random.nextDouble() < p ? 1 : 0;
        }
        return k;
      }
      double mean = n * p;
      if (mean < 30) {
        double l = Math.exp(-mean);
        long k = 0;
        double prod = random.nextDouble();
        while (prod > l) {
          k++;
          prod *= random.nextDouble();
        }
        return Math.min(k, n);
      }
      long k = Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian());
      return Math.max(0, Math.min(n, k));
    }

    private double gaussian() {
      double u = 1 - random.nextDouble();
      double v = random.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private double latency(LatencyModel model) {
      return model.apply(MEDIAN * Math.exp(SIGMA * gaussian()), random);
    }

    /** One side's counts and a reservoir evolved as Algorithm R would. */
    private final class SideSample {
      private final double[] sample;
      private long requests;
      private long errors;

      SideSample(int size) {
        this.sample = new double[size];
      }

      void reset() {
        requests = 0;
        errors = 0;
      }

      void add(long n, long e, LatencyModel model) {
        long before = requests;
        long after = before + n;
        int size = sample.length;
        for (long i = before; i < Math.min(after, size); i++) {
          sample[(int) i] = latency(model);
        }
        long from = Math.max(before, size);
        if (after > from) {
          double expected = size * Math.log((double) after / from);
          long replacements = (long) expected + (random.nextDouble() < expected - (long) expected ? 1 : 0);
          for (long r = 0; r < replacements; r++) {
            sample[random.nextInt(size)] = latency(model);
          }
        }
        requests = after;
        errors += e;
      }

      Side side() {
        return new Side(requests, errors, Arrays.copyOf(sample, (int) Math.min(requests, sample.length)));
      }
    }
  }
}
