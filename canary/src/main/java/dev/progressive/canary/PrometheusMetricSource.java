package dev.progressive.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link MetricSource} that reads the whole fleet's request and error counts from Prometheus, through its HTTP
 * query API ({@code GET /api/v1/query}), so that the judge sees every instance and not only this one.
 *
 * <p>By default it queries the {@code progressive.canary.requests} timer as Micrometer's Prometheus registry names
 * it: {@code sum(increase(progressive_canary_requests_seconds_count{canary="pricing",cohort="canary"}[600s]))},
 * and the same with {@code outcome="error"}, evaluated at the end of the window.
 *
 * <p>Prometheus gives counts, not individual latencies: with this source the latency metrics have no samples and
 * stay INCONCLUSIVE, which blocks PASS when they are critical. Judge the error rate with it, and latency with the
 * in-process source, or make the latency metrics non-critical.
 *
 * <p>When Prometheus cannot be reached, answers an error status or something that is not a number, {@link #observe}
 * throws, and the verdict is INCONCLUSIVE: never PASS.
 */
public final class PrometheusMetricSource implements MetricSource {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI baseUri;
  private final HttpClient client;
  private final Duration timeout;
  private final String requestsQuery;
  private final String errorsQuery;

  private PrometheusMetricSource(Builder b) {
    this.baseUri = b.baseUri;
    this.client = b.client != null ? b.client : HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.timeout = b.timeout;
    this.requestsQuery = b.requestsQuery;
    this.errorsQuery = b.errorsQuery;
  }

  /** Starts building a source for the Prometheus at {@code baseUri}, e.g. {@code http://prometheus:9090}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  @Override
  public Window observe(String canary, Instant from, Instant to) throws IOException, InterruptedException {
    long seconds = Math.max(1, Duration.between(from, to).toSeconds());
    return new Window(side(canary, Cohort.BASELINE, seconds, to), side(canary, Cohort.CANARY, seconds, to));
  }

  private Side side(String canary, Cohort cohort, long seconds, Instant at)
      throws IOException, InterruptedException {
    long requests = Math.round(query(fill(requestsQuery, canary, cohort, seconds), at));
    long errors = Math.round(query(fill(errorsQuery, canary, cohort, seconds), at));
    return new Side(requests, Math.min(errors, requests), new double[0]);
  }

  private static String fill(String template, String canary, Cohort cohort, long seconds) {
    return template.replace("{canary}", canary).replace("{cohort}", cohort.tag())
        .replace("{range}", seconds + "s");
  }

  /** One instant query; the sum of its vector's values, 0 for an empty vector. */
  double query(String promql, Instant at) throws IOException, InterruptedException {
    String uri = baseUri.toString().replaceAll("/+$", "") + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + at.getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).GET().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("Prometheus answered HTTP " + response.statusCode() + " to " + promql);
    }
    JsonNode root;
    try {
      root = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException("Prometheus answered something that is not JSON to " + promql, e);
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new IOException("Prometheus answered status '" + root.path("status").asText() + "' ("
          + root.path("error").asText() + ") to " + promql);
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText();
    double sum = 0;
    if (type.equals("vector")) {
      for (JsonNode series : data.path("result")) {
        sum += number(series.path("value").path(1).asText(), promql);
      }
    } else if (type.equals("scalar")) {
      sum = number(data.path("result").path(1).asText(), promql);
    } else {
      throw new IOException("Prometheus answered a " + type + ", not a vector, to " + promql);
    }
    return sum;
  }

  private static double number(String text, String promql) throws IOException {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IOException("Prometheus answered '" + text + "', not a number, to " + promql, e);
    }
    if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
      throw new IOException("Prometheus answered " + text + " to " + promql);
    }
    return v;
  }

  /** Builds a {@link PrometheusMetricSource}. */
  public static final class Builder {
    private final URI baseUri;
    private HttpClient client;
    private Duration timeout = Duration.ofSeconds(5);
    private String requestsQuery =
        "sum(increase(progressive_canary_requests_seconds_count{canary=\"{canary}\",cohort=\"{cohort}\"}[{range}]))";
    private String errorsQuery = "sum(increase(progressive_canary_requests_seconds_count{canary=\"{canary}\","
        + "cohort=\"{cohort}\",outcome=\"error\"}[{range}]))";

    private Builder(URI baseUri) {
      this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
      if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
        throw new IllegalArgumentException("Prometheus needs an http or https URI, was " + baseUri);
      }
    }

    /** The HTTP client. Default: a new one with the timeout as connect timeout. */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** How long a query may take; default 5 seconds. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The PromQL of one side's request count over the window; {@code {canary}}, {@code {cohort}} and {@code {range}}
     * (e.g. {@code 600s}) are filled in.
     */
    public Builder requestsQuery(String template) {
      this.requestsQuery = requireTemplate(template);
      return this;
    }

    /** The PromQL of one side's error count over the window, with the same placeholders. */
    public Builder errorsQuery(String template) {
      this.errorsQuery = requireTemplate(template);
      return this;
    }

    private static String requireTemplate(String template) {
      Objects.requireNonNull(template, "template");
      if (!template.contains("{cohort}") || !template.contains("{range}")) {
        throw new IllegalArgumentException("a query needs the {cohort} and {range} placeholders: " + template);
      }
      return template;
    }

    public PrometheusMetricSource build() {
      return new PrometheusMetricSource(this);
    }
  }
}
