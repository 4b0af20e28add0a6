package dev.progressive.canary;

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
 * own fixed seed.
 *
 * <p>Traffic is generated in aggregate at each look: the requests since the last look are split by the current
 * weight; errors per side are binomial; each side keeps a uniform reservoir of latencies, evolved as Algorithm R
 * would over the individual requests (the number of replacements follows the expected R·ln(n'/n)).
 */
final class CanarySimulator {

  /** Baseline latency: log-normal, median 100 ms, sigma 0.5. */
  static final double MEDIAN = 100;
  static final double SIGMA = 0.5;
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final Duration MAX_TIME = Duration.ofHours(12);

  /** A scenario: error rates, the canary's latency transform, and traffic. */
  record Scenario(String id, String description, double baselineErrors, double canaryErrors,
      LatencyModel canaryLatency, double totalPerSecond, boolean canaryFixedRate) {}

  /** Draws a canary latency from a baseline-distributed one. */
  @FunctionalInterface
  interface LatencyModel {
    double apply(double baselineMillis);
  }

  static final LatencyModel SAME = x -> x;

  /** Median +20%: every latency 1.2 times. */
  static final LatencyModel SLOWER_20 = x -> x * 1.2;

  /**
   * Only the tail: latencies above the baseline's p95 are stretched so that the p99 is 50% higher; the median and
   * the p95 stay the same.
   */
  static final LatencyModel TAIL_50;

  static {
    double p95 = MEDIAN * Math.exp(SIGMA * 1.6448536);
    double p99 = MEDIAN * Math.exp(SIGMA * 2.3263479);
    double k = (1.5 * p99 - p95) / (p99 - p95);
    TAIL_50 = x -> x <= p95 ? x : p95 + (x - p95) * k;
  }

  static final Scenario[] SCENARIOS = {
      new Scenario("A", "canary equal to baseline (1% errors, same latency)", 0.01, 0.01, SAME, 200, false),
      new Scenario("B", "canary errors 2% vs 1%", 0.01, 0.02, SAME, 200, false),
      new Scenario("C", "median latency +20%", 0.01, 0.01, SLOWER_20, 200, false),
      new Scenario("D", "only the tail worse (p99 +50%, same median)", 0.01, 0.01, TAIL_50, 200, false),
      new Scenario("E", "low traffic (1 request/s on the canary side)", 0.01, 0.01, SAME, 1, true),
  };

  /** The release every rollout uses. */
  static CanaryRelease release() {
    return CanaryRelease.builder("sim")
        .step(1, Duration.ofMinutes(10), 1_000)
        .step(5, Duration.ofMinutes(10), 2_000)
        .step(25, Duration.ofMinutes(10), 5_000)
        .step(50, Duration.ofMinutes(10), 20_000)
        .metric(Metric.errorRate().allowedChange(0.10))
        .metric(Metric.latency().allowedChange(0.05))
        .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .maxInconclusive(Duration.ofMinutes(30))
        .analysisInterval(INTERVAL)
        .latencySamples(4_000)
        .build();
  }

  /** How rollouts of one scenario ended. */
  record Summary(Scenario scenario, String judge, int rollouts, int rolledBack, int promoted, long medianRequests,
      long minCanaryRequestsWhenPromoted) {
    double rolledBackShare() {
      return (double) rolledBack / rollouts;
    }

    double promotedShare() {
      return (double) promoted / rollouts;
    }

    String row() {
      return String.format(Locale.ROOT, "| %s | %s | %s | %.1f%% | %.1f%% | %,d |", scenario.id(),
          scenario.description(), judge, rolledBackShare() * 100, promotedShare() * 100, medianRequests);
    }
  }

  /** Runs {@code rollouts} rollouts of a scenario with judges from {@code judges}, seeds 1..rollouts. */
  static Summary run(Scenario scenario, String judgeName, Supplier<Judge> judges, int rollouts) {
    int rolledBack = 0;
    int promoted = 0;
    long[] requests = new long[rollouts];
    long minPromoted = Long.MAX_VALUE;
    for (int i = 0; i < rollouts; i++) {
      Rollout r = rollout(scenario, judges.get(), 1_000L * (i + 1) + scenario.id().charAt(0));
      if (r.state == CanaryState.ROLLED_BACK) {
        rolledBack++;
      } else if (r.state == CanaryState.PROMOTED) {
        promoted++;
        minPromoted = Math.min(minPromoted, r.minStepCanaryRequests);
      }
      requests[i] = r.requests;
    }
    Arrays.sort(requests);
    return new Summary(scenario, judgeName, rollouts, rolledBack, promoted, requests[rollouts / 2],
        minPromoted == Long.MAX_VALUE ? 0 : minPromoted);
  }

  /** How one rollout ended. */
  record Rollout(CanaryState state, long requests, long minStepCanaryRequests) {}

  static Rollout rollout(Scenario scenario, Judge judge, long seed) {
    CanaryRelease release = release();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (Toggles toggles = Toggles.builder().store(new InMemoryFlagStore(clock, 100)).clock(clock).build()) {
      Traffic traffic = new Traffic(scenario, release.latencySamples(), new SplittableRandom(seed));
      Canary canary = Canary.builder(release, toggles).clock(clock).scheduler(scheduler).judge(judge)
          .metricSource(traffic).build();
      traffic.weight = canary::weight;
      canary.onVerdict(v -> traffic.lastWindowCanaryRequests = v.verdict().canaryRequests());
      long[] minStepCanary = {Long.MAX_VALUE};
      canary.onTransition(t -> {
        if (t.action() == CanaryAction.ADVANCE || t.action() == CanaryAction.PROMOTE) {
          minStepCanary[0] = Math.min(minStepCanary[0], t.verdict().canaryRequests());
        }
      });
      canary.start("simulator", "rollout " + seed);
      Instant end = clock.instant().plus(MAX_TIME);
      while (!canary.state().isFinal() && clock.instant().isBefore(end)) {
        scheduler.advance(INTERVAL);
      }
      canary.close();
      return new Rollout(canary.state(), traffic.total, minStepCanary[0]);
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
    long lastWindowCanaryRequests;
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
      baseline.add(nb, binomial(nb, scenario.baselineErrors()), x -> x);
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
      return model.apply(MEDIAN * Math.exp(SIGMA * gaussian()));
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
