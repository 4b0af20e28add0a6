package dev.progressive.samples.restaurant;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The sample's own settings, under {@code restaurant.*}. */
@ConfigurationProperties("restaurant")
public class RestaurantProperties {

  /** How long each pricing engine works on a quote (a stand-in for reading promotions), the same for both. */
  private Duration pricingWork = Duration.ofMillis(1);

  /**
   * Faults injected into the new versions, by name: {@code pricing-engine-v2} (the in-process canary's new engine)
   * and {@code pricing-service-v2} (version 2 of the downstream pricing service). Changed at runtime through
   * {@code POST /knobs/{name}}.
   */
  private Map<String, Knob> knobs = new LinkedHashMap<>();

  /** Synthetic traffic that the service sends to itself. */
  private final Demo demo = new Demo();

  /** The release plan {@code pricing-v2} of the rules pricing engine, the demo's plan unless turned off. */
  private final Release release = new Release();

  public Duration getPricingWork() {
    return pricingWork;
  }

  public void setPricingWork(Duration pricingWork) {
    this.pricingWork = pricingWork;
  }

  public Map<String, Knob> getKnobs() {
    return knobs;
  }

  public void setKnobs(Map<String, Knob> knobs) {
    this.knobs = knobs;
  }

  public Demo getDemo() {
    return demo;
  }

  public Release getRelease() {
    return release;
  }

  /** Faults of one new version. */
  public static class Knob {

    /** The share of calls, from 0 to 1, that fail. */
    private double errorRate;

    /** Extra time each call takes. */
    private Duration latency = Duration.ZERO;

    public double getErrorRate() {
      return errorRate;
    }

    public void setErrorRate(double errorRate) {
      this.errorRate = errorRate;
    }

    public Duration getLatency() {
      return latency;
    }

    public void setLatency(Duration latency) {
      this.latency = latency;
    }
  }

  /** The demo driver. */
  public static class Demo {

    /** Whether the service sends itself synthetic traffic and prints a progress line. */
    private boolean enabled;

    /** Requests per second, menu searches and quotes together. */
    private int rate = 200;

    /** Threads that send the traffic. */
    private int threads = 4;

    /** How often the progress line is printed. */
    private Duration reportInterval = Duration.ofSeconds(5);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getRate() {
      return rate;
    }

    public void setRate(int rate) {
      this.rate = rate;
    }

    public int getThreads() {
      return threads;
    }

    public void setThreads(int threads) {
      this.threads = threads;
    }

    public Duration getReportInterval() {
      return reportInterval;
    }

    public void setReportInterval(Duration reportInterval) {
      this.reportInterval = reportInterval;
    }
  }

  /** The release plan {@code pricing-v2}: its gates and how often its driver looks. */
  public static class Release {

    /**
     * Whether quotes are priced through the plan (then the canary {@code pricing-engine} must not auto-start: the plan
     * starts it); off, they are priced through {@code @CanaryRouted} on the canary alone.
     */
    private boolean enabled = true;

    /** Dark: the successful calls of testers ({@code X-Canary-Cohort: canary}) to the rules engine it needs. */
    private long testerCalls = 300;

    /**
     * Dark: a share of the testers' calls to the rules engine that fail, from 0 to 1, above which the plan rolls back
     * (the dark stage's {@code failAboveErrorRate}), judged once as many calls as the gate needs ({@link #testerCalls},
     * failed ones included) were made on the whole fleet.
     */
    private double testerFailAboveErrorRate = 0.05;

    /** Verify: the comparisons of the parallel run {@code pricing} it needs. */
    private long minComparisons = 6_000;

    /** Verify: the match rate it needs. */
    private double minMatchRate = 0.99;

    /** Verify: a mismatch rate above this rolls the plan back. */
    private double failAboveMismatchRate = 0.05;

    /** How often the plan's driver checks the gate. */
    private Duration interval = Duration.ofSeconds(2);

    /** Demo: one quote in this many is sent by a tester, with {@code X-Canary-Cohort: canary}. */
    private int testerEvery = 20;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public long getTesterCalls() {
      return testerCalls;
    }

    public void setTesterCalls(long testerCalls) {
      this.testerCalls = testerCalls;
    }

    public double getTesterFailAboveErrorRate() {
      return testerFailAboveErrorRate;
    }

    public void setTesterFailAboveErrorRate(double testerFailAboveErrorRate) {
      this.testerFailAboveErrorRate = testerFailAboveErrorRate;
    }

    public long getMinComparisons() {
      return minComparisons;
    }

    public void setMinComparisons(long minComparisons) {
      this.minComparisons = minComparisons;
    }

    public double getMinMatchRate() {
      return minMatchRate;
    }

    public void setMinMatchRate(double minMatchRate) {
      this.minMatchRate = minMatchRate;
    }

    public double getFailAboveMismatchRate() {
      return failAboveMismatchRate;
    }

    public void setFailAboveMismatchRate(double failAboveMismatchRate) {
      this.failAboveMismatchRate = failAboveMismatchRate;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public int getTesterEvery() {
      return testerEvery;
    }

    public void setTesterEvery(int testerEvery) {
      this.testerEvery = testerEvery;
    }
  }
}
