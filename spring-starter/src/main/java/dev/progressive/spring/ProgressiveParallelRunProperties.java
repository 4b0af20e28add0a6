package dev.progressive.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of parallel runs: the bounded runner that candidates run on, and options per experiment. */
@ConfigurationProperties("progressive.parallel-run")
public class ProgressiveParallelRunProperties {

  /** Whether to configure parallel runs (a {@code ParallelRunner} bean and the {@code @ParallelRun} aspect). */
  private boolean enabled = true;

  /** Candidate threads; also the bulkhead's permits and the bound of the candidate queue. */
  private int threads = 2;

  /** How long a candidate may run before it is interrupted and counted as a timeout. */
  private Duration timeout = Duration.ofSeconds(1);

  /** How often a busy runner's threads look for work. */
  private Duration idlePollInterval = Duration.ofMillis(1);

  /** The bound of the queue of comparisons handed off by callers whose control finished last. */
  private int comparisonQueueCapacity = 1024;

  /** Mismatch lines logged per experiment per interval. */
  private int mismatchLogLimit = 1;

  /** The interval over which mismatch log lines are limited. */
  private Duration mismatchLogInterval = Duration.ofSeconds(10);

  /** Options of experiments by name, for experiments declared with {@code @ParallelRun}. */
  private Map<String, ExperimentOptions> experiments = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getThreads() {
    return threads;
  }

  public void setThreads(int threads) {
    this.threads = threads;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  public Duration getIdlePollInterval() {
    return idlePollInterval;
  }

  public void setIdlePollInterval(Duration idlePollInterval) {
    this.idlePollInterval = idlePollInterval;
  }

  public int getComparisonQueueCapacity() {
    return comparisonQueueCapacity;
  }

  public void setComparisonQueueCapacity(int comparisonQueueCapacity) {
    this.comparisonQueueCapacity = comparisonQueueCapacity;
  }

  public int getMismatchLogLimit() {
    return mismatchLogLimit;
  }

  public void setMismatchLogLimit(int mismatchLogLimit) {
    this.mismatchLogLimit = mismatchLogLimit;
  }

  public Duration getMismatchLogInterval() {
    return mismatchLogInterval;
  }

  public void setMismatchLogInterval(Duration mismatchLogInterval) {
    this.mismatchLogInterval = mismatchLogInterval;
  }

  public Map<String, ExperimentOptions> getExperiments() {
    return experiments;
  }

  public void setExperiments(Map<String, ExperimentOptions> experiments) {
    this.experiments = experiments;
  }

  /** Options of one experiment. */
  public static class ExperimentOptions {

    /** Whether the candidates run; when false, only the annotated method runs. */
    private boolean enabled = true;

    /** The share of calls, from 0 to 1, that also run the candidate. */
    private double sampleRate = 1.0;

    /** Paths left out of the comparison, e.g. "meta.requestId", "items[*].id" or "**.timestamp". */
    private List<String> ignorePaths = new ArrayList<>();

    /** Whether arrays compare regardless of the order of their elements. */
    private boolean ignoreArrayOrder = false;

    /** How many recent mismatches are kept in memory for the parallelruns endpoint. */
    private int keepMismatches = 100;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public double getSampleRate() {
      return sampleRate;
    }

    public void setSampleRate(double sampleRate) {
      this.sampleRate = sampleRate;
    }

    public List<String> getIgnorePaths() {
      return ignorePaths;
    }

    public void setIgnorePaths(List<String> ignorePaths) {
      this.ignorePaths = ignorePaths;
    }

    public boolean isIgnoreArrayOrder() {
      return ignoreArrayOrder;
    }

    public void setIgnoreArrayOrder(boolean ignoreArrayOrder) {
      this.ignoreArrayOrder = ignoreArrayOrder;
    }

    public int getKeepMismatches() {
      return keepMismatches;
    }

    public void setKeepMismatches(int keepMismatches) {
      this.keepMismatches = keepMismatches;
    }
  }
}
