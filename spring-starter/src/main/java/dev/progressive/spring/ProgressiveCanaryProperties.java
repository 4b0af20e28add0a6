package dev.progressive.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public void setAutoStart(boolean autoStart) {
      this.autoStart = autoStart;
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
