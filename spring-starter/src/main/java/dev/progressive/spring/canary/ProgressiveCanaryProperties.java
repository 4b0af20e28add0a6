package dev.progressive.spring.canary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.progressive.canary.InconclusiveTimeout;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of canary releases: one {@code Canary} bean per entry of {@code progressive.canary.canaries}, the
 * HTTP clients routed by a canary, and where the judge reads the fleet's metrics.
 */
@ConfigurationProperties("progressive.canary")
public class ProgressiveCanaryProperties {

  /** Whether to configure canary releases (the {@code Canary} beans, their registry and scheduler). */
  private boolean enabled = true;

  /** Canary releases by name; each name is also the canary's flag name. */
  private Map<String, Definition> canaries = new LinkedHashMap<>();

  /**
   * HTTP clients routed by a canary, by client name: a {@code RestClient} or {@code WebClient} request whose URL
   * starts with the client's baseline URL goes to its canary URL when the canary decides so.
   */
  private Map<String, HttpClient> httpClients = new LinkedHashMap<>();

  /** Where the judge reads the whole fleet's requests, errors and latencies, instead of this instance's own. */
  private Prometheus prometheus = new Prometheus();

  /** How the instances of the service share their windows so that the fleet judges each canary once. */
  private Fleet fleet = new Fleet();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, Definition> getCanaries() {
    return canaries;
  }

  public void setCanaries(Map<String, Definition> canaries) {
    this.canaries = canaries;
  }

  public Map<String, HttpClient> getHttpClients() {
    return httpClients;
  }

  public void setHttpClients(Map<String, HttpClient> httpClients) {
    this.httpClients = httpClients;
  }

  public Prometheus getPrometheus() {
    return prometheus;
  }

  public Fleet getFleet() {
    return fleet;
  }

  public void setFleet(Fleet fleet) {
    this.fleet = fleet;
  }

  /**
   * The fleet store: with {@code progressive.toggles.store=jdbc}, the canaries' windows and analysis leases live in
   * the same database, so that one instance judges the whole fleet's traffic.
   */
  public static class Fleet {

    /**
     * Whether the instances share their windows through the database of the JDBC flag store (tables
     * {@code <prefix>canary_windows} and {@code <prefix>canary_leases}, with the flag store's table prefix). Without
     * it, or with the in-memory flag store, each instance judges what it recorded, alone.
     */
    private boolean enabled = true;

    /** This instance's id in the fleet store, unique in the fleet, e.g. the pod's name. Default: a random UUID. */
    private String instanceId;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getInstanceId() {
      return instanceId;
    }

    public void setInstanceId(String instanceId) {
      this.instanceId = instanceId;
    }
  }

  public void setPrometheus(Prometheus prometheus) {
    this.prometheus = prometheus;
  }

  /** One HTTP client routed by a canary. */
  public static class HttpClient {

    /** The name of the canary that decides each request: one of {@code progressive.canary.canaries} or a bean. */
    private String canary;

    /**
     * The base URL the application calls, e.g. {@code http://pricing-v1:8080/pricing}; requests under it are routed.
     * {@code ${...}} placeholders are resolved on first use, so {@code ${local.server.port}} works.
     */
    private String baselineUrl;

    /** The base URL that replaces the baseline URL for requests the canary decides to send to the canary. */
    private String canaryUrl;

    /**
     * The request header holding the sticky key; when the outgoing request has none, the same header of the
     * current inbound request, then the authenticated principal's name. Without a key, the request goes to the
     * baseline.
     */
    private String keyHeader = "X-Canary-Key";

    public String getCanary() {
      return canary;
    }

    public void setCanary(String canary) {
      this.canary = canary;
    }

    public String getBaselineUrl() {
      return baselineUrl;
    }

    public void setBaselineUrl(String baselineUrl) {
      this.baselineUrl = baselineUrl;
    }

    public String getCanaryUrl() {
      return canaryUrl;
    }

    public void setCanaryUrl(String canaryUrl) {
      this.canaryUrl = canaryUrl;
    }

    public String getKeyHeader() {
      return keyHeader;
    }

    public void setKeyHeader(String keyHeader) {
      this.keyHeader = keyHeader;
    }
  }

  /** The Prometheus that the canaries' judge reads. */
  public static class Prometheus {

    /**
     * The base URL of Prometheus, e.g. {@code http://prometheus:9090}. When set, every canary is judged on the
     * fleet's metrics from Prometheus instead of this instance's own; a {@code MetricSource} bean wins over it.
     */
    private String url;

    /** How long one query may take. */
    private Duration timeout = Duration.ofSeconds(5);

    /**
     * The PromQL of one side's request count over the window, with the placeholders {@code {canary}},
     * {@code {cohort}} and {@code {range}}; empty: the library's default over {@code progressive.canary.requests}.
     */
    private String requestsQuery;

    /** The PromQL of one side's error count over the window, with the same placeholders; empty: the default. */
    private String errorsQuery;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public String getRequestsQuery() {
      return requestsQuery;
    }

    public void setRequestsQuery(String requestsQuery) {
      this.requestsQuery = requestsQuery;
    }

    public String getErrorsQuery() {
      return errorsQuery;
    }

    public void setErrorsQuery(String errorsQuery) {
      this.errorsQuery = errorsQuery;
    }
  }

  /** One canary release. */
  public static class Definition {

    /** The steps of the schedule, in increasing weight; passing the last one promotes to 100%. */
    private List<Step> steps = new ArrayList<>();

    /** How often the current step is judged. */
    private Duration analysisInterval = Duration.ofMinutes(1);

    /** How long a step may stay inconclusive past its minimum duration before the canary is rolled back. */
    private Duration maxInconclusive = Duration.ofMinutes(30);

    /** Whether to judge and report only, never changing the weight automatically. */
    private boolean dryRun;

    /** Whether to start the canary when the application starts (only while it is still pending). */
    private boolean autoStart;

    /**
     * What happens when a step stays inconclusive past its minimum duration plus max-inconclusive: roll-back, or
     * wait-for-operator (the canary is paused until a person promotes, resumes or aborts it). The release's choice.
     */
    private InconclusiveTimeout inconclusiveTimeout = InconclusiveTimeout.ROLL_BACK;

    /**
     * The whole fleet's requests per second (all instances, both sides). When set, with expected-error-rate, a step
     * that would time out before it could pass a canary as good as the baseline at that traffic is refused at
     * startup, with the requests it needs and the time they take.
     */
    private Double expectedRequestsPerSecond;

    /** The baseline's usual error rate, e.g. 0.005 for 0.5%; required with expected-requests-per-second. */
    private Double expectedErrorRate;

    /**
     * Whether one instance alone showing a regression rolls the canary back, even when the fleet's pooled traffic
     * does not. False rollbacks grow with the number of instances.
     */
    private boolean perInstanceGuard;

    /**
     * The metrics the judge compares between canary and baseline. When none is given: the error rate, the latency
     * distribution and the p99 latency, each critical; the p99 needs about 1,000 latencies per side before it can
     * pass, so a service with little traffic should list its metrics, e.g. only the error rate and the latency.
     */
    private List<AnalysisMetric> metrics = new ArrayList<>();

    public List<Step> getSteps() {
      return steps;
    }

    public void setSteps(List<Step> steps) {
      this.steps = steps;
    }

    public Duration getAnalysisInterval() {
      return analysisInterval;
    }

    public void setAnalysisInterval(Duration analysisInterval) {
      this.analysisInterval = analysisInterval;
    }

    public Duration getMaxInconclusive() {
      return maxInconclusive;
    }

    public void setMaxInconclusive(Duration maxInconclusive) {
      this.maxInconclusive = maxInconclusive;
    }

    public boolean isDryRun() {
      return dryRun;
    }

    public void setDryRun(boolean dryRun) {
      this.dryRun = dryRun;
    }

    public boolean isAutoStart() {
      return autoStart;
    }

    public InconclusiveTimeout getInconclusiveTimeout() {
      return inconclusiveTimeout;
    }

    public void setInconclusiveTimeout(InconclusiveTimeout inconclusiveTimeout) {
      this.inconclusiveTimeout = inconclusiveTimeout;
    }

    public Double getExpectedRequestsPerSecond() {
      return expectedRequestsPerSecond;
    }

    public void setExpectedRequestsPerSecond(Double expectedRequestsPerSecond) {
      this.expectedRequestsPerSecond = expectedRequestsPerSecond;
    }

    public Double getExpectedErrorRate() {
      return expectedErrorRate;
    }

    public void setExpectedErrorRate(Double expectedErrorRate) {
      this.expectedErrorRate = expectedErrorRate;
    }

    public boolean isPerInstanceGuard() {
      return perInstanceGuard;
    }

    public void setPerInstanceGuard(boolean perInstanceGuard) {
      this.perInstanceGuard = perInstanceGuard;
    }

    public void setAutoStart(boolean autoStart) {
      this.autoStart = autoStart;
    }

    public List<AnalysisMetric> getMetrics() {
      return metrics;
    }

    public void setMetrics(List<AnalysisMetric> metrics) {
      this.metrics = metrics;
    }
  }

  /** What an analysis metric measures. */
  public enum MetricKind {
    /** The share of requests that failed, by a sequential test that stays valid at every look. */
    ERROR_RATE,
    /** The whole latency distribution, by a one-sided rank test (Mann-Whitney). */
    LATENCY,
    /** One latency quantile, set by {@code quantile}, by distribution-free confidence intervals. */
    LATENCY_QUANTILE
  }

  /** Which direction of a metric's change is a regression. */
  public enum MetricDirection {
    /** Higher values are worse: errors, latency. */
    HIGHER_IS_WORSE,
    /** Lower values are worse. */
    LOWER_IS_WORSE
  }

  /** One metric that the judge compares between canary and baseline. */
  public static class AnalysisMetric {

    /** What is measured: error-rate, latency (the whole distribution) or latency-quantile (one quantile). */
    private MetricKind kind;

    /** The quantile of a latency-quantile metric, in (0, 1) exclusive, e.g. 0.95; only for that kind. */
    private Double quantile;

    /** Which direction of change is a regression. */
    private MetricDirection direction = MetricDirection.HIGHER_IS_WORSE;

    /**
     * The relative change allowed in the worse direction, from 0 to 10, e.g. 0.10 for 10%. Default: 0.10 for the
     * error rate and a latency quantile, 0.05 for the latency distribution.
     */
    private Double allowedChange;

    /**
     * The relative change the canary must be shown within to pass, at least allowed-change, e.g. 0.25 for +25%.
     * Default: allowed-change + 0.40 (lower-is-worse: allowed-change + 0.40 x (1 - allowed-change)). A narrower
     * margin needs more requests (docs/canary-judge.md has the table).
     */
    private Double passMargin;

    /**
     * For the error rate only: a canary whose own error rate is shown below this (e.g. 0.001 for 0.1%) passes the
     * metric whatever the baseline's; in [0, 0.1], 0 turns it off. Default 0.001.
     */
    private Double negligibleRate;

    /** Whether a failure of this metric fails the verdict on its own. */
    private boolean critical = true;

    public MetricKind getKind() {
      return kind;
    }

    public void setKind(MetricKind kind) {
      this.kind = kind;
    }

    public Double getQuantile() {
      return quantile;
    }

    public void setQuantile(Double quantile) {
      this.quantile = quantile;
    }

    public MetricDirection getDirection() {
      return direction;
    }

    public void setDirection(MetricDirection direction) {
      this.direction = direction;
    }

    public Double getAllowedChange() {
      return allowedChange;
    }

    public void setAllowedChange(Double allowedChange) {
      this.allowedChange = allowedChange;
    }

    public Double getPassMargin() {
      return passMargin;
    }

    public void setPassMargin(Double passMargin) {
      this.passMargin = passMargin;
    }

    public Double getNegligibleRate() {
      return negligibleRate;
    }

    public void setNegligibleRate(Double negligibleRate) {
      this.negligibleRate = negligibleRate;
    }

    public boolean isCritical() {
      return critical;
    }

    public void setCritical(boolean critical) {
      this.critical = critical;
    }
  }

  /** One step of a canary's schedule. */
  public static class Step {

    /** The canary's share in percent, in (0, 100), with at most two decimals. */
    private double weight;

    /** How long the step lasts at least. */
    private Duration minDuration = Duration.ofMinutes(5);

    /** How many requests each side must serve in the step before it can pass. */
    private long minRequests = 100;

    public double getWeight() {
      return weight;
    }

    public void setWeight(double weight) {
      this.weight = weight;
    }

    public Duration getMinDuration() {
      return minDuration;
    }

    public void setMinDuration(Duration minDuration) {
      this.minDuration = minDuration;
    }

    public long getMinRequests() {
      return minRequests;
    }

    public void setMinRequests(long minRequests) {
      this.minRequests = minRequests;
    }
  }
}
