package dev.progressive.spring.parallelrun;

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

  /** HTTP shadowing: requests to chosen routes are replayed against a candidate base URL and compared. */
  private final Shadow shadow = new Shadow();

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

  public Shadow getShadow() {
    return shadow;
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

  /** HTTP shadowing through a servlet filter. */
  public static class Shadow {

    /**
     * The base URL of the new version, such as http://orders-v2:8080; a path on it is kept, so
     * http://gateway:8080/v2 receives /orders/7 as /v2/orders/7. {@code ${...}} placeholders are resolved on first
     * use, so http://localhost:${local.server.port}/v2 works. Shadowing is on when it is set, in a servlet web
     * application.
     */
    private String candidate;

    /**
     * The base URL of a second copy of the current version, for noise detection; none when not set. Placeholders and
     * paths as for the candidate.
     */
    private String secondary;

    /** The routes that are shadowed. */
    private List<Route> routes = new ArrayList<>();

    /** The share of matching requests, from 0 to 1, that are shadowed. */
    private double sampleRate = 1.0;

    /** The most shadow requests in flight at once; the excess is rejected and counted. */
    private int maxConcurrent = 16;

    /** Threads that send shadow requests and compare the answers. */
    private int threads = 2;

    /** How long a shadow request may take before it counts as a timeout. */
    private Duration timeout = Duration.ofSeconds(2);

    public String getCandidate() {
      return candidate;
    }

    public void setCandidate(String candidate) {
      this.candidate = candidate;
    }

    public String getSecondary() {
      return secondary;
    }

    public void setSecondary(String secondary) {
      this.secondary = secondary;
    }

    public List<Route> getRoutes() {
      return routes;
    }

    public void setRoutes(List<Route> routes) {
      this.routes = routes;
    }

    public double getSampleRate() {
      return sampleRate;
    }

    public void setSampleRate(double sampleRate) {
      this.sampleRate = sampleRate;
    }

    public int getMaxConcurrent() {
      return maxConcurrent;
    }

    public void setMaxConcurrent(int maxConcurrent) {
      this.maxConcurrent = maxConcurrent;
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
  }

  /** One shadowed route. */
  public static class Route {

    /** The route's name: its meters' experiment tag, so keep it short and bounded. */
    private String name;

    /** The path pattern, where * is one segment and ** any number, such as /orders/*. */
    private String path;

    /** Response headers compared besides the status and the body. */
    private List<String> compareHeaders = new ArrayList<>();

    /** Body paths left out of the comparison, such as meta.requestId. */
    private List<String> ignorePaths = new ArrayList<>();

    /** Whether JSON arrays compare regardless of order. */
    private boolean ignoreArrayOrder = false;

    /** Methods other than GET and HEAD that are shadowed too, such as POST; only for side-effect-free routes. */
    private List<String> allowUnsafeMethods = new ArrayList<>();

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public List<String> getCompareHeaders() {
      return compareHeaders;
    }

    public void setCompareHeaders(List<String> compareHeaders) {
      this.compareHeaders = compareHeaders;
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

    public List<String> getAllowUnsafeMethods() {
      return allowUnsafeMethods;
    }

    public void setAllowUnsafeMethods(List<String> allowUnsafeMethods) {
      this.allowUnsafeMethods = allowUnsafeMethods;
    }
  }
}
