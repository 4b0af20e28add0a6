package dev.progressive.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.progressive.canary.internal.HistogramSample;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A {@link MetricSource} that reads the whole fleet's requests, errors and latencies from Prometheus, through its
 * HTTP query API ({@code GET /api/v1/query}, instant queries at the end of the window), so that the judge sees every
 * instance and not only this one.
 *
 * <p>By default it queries the {@code progressive.canary.requests} timer as Micrometer's Prometheus registry names
 * it, per side:
 *
 * <ul>
 *   <li>requests: {@code sum(increase(progressive_canary_requests_seconds_count{canary="pricing",
 *       cohort="canary"}[600s]))};
 *   <li>errors: the same with {@code outcome="error"};
 *   <li>latencies: {@code sum by (le) (increase(progressive_canary_requests_seconds_bucket{canary="pricing",
 *       cohort="canary"}[600s]))}, the timer's histogram buckets, which {@link Canary} publishes.
 * </ul>
 *
 * <p><b>Latencies from buckets.</b> Prometheus keeps counts per latency bucket, not individual latencies. The
 * buckets' increase over the window is turned into a latency sample for the judge: each bucket's count is spread
 * evenly over the bucket, which is the linear interpolation of {@code histogram_quantile}, so the sample's quantiles
 * are the ones Prometheus would compute. The sample is scaled down to {@link Builder#maxLatencySamples(int)} values
 * (default 5,000) keeping each bucket's share, and the verdict's latency reasons say that the latencies come from
 * buckets: the resolution is that of the bucket bounds, and what is above the highest finite bound counts as that
 * bound. When Prometheus has no buckets for a side (the histogram is not published, or an application filtered it
 * off), that side has no latencies: the latency metrics are INCONCLUSIVE and the error rate is still judged.
 *
 * <p>When Prometheus cannot be reached, is slower than the timeout, answers an HTTP error, an error status, a body
 * that is not JSON, a count that is not a number or buckets that are not a cumulative histogram, {@link #observe}
 * throws an {@link IOException} that says what was wrong, and the verdict is INCONCLUSIVE: never PASS.
 */
public final class PrometheusMetricSource implements MetricSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET_NOTE =
      "latencies from Prometheus histogram buckets, resolution limited by the bucket bounds";

  private final URI baseUri;
  private final HttpClient client;
  private final Duration timeout;
  private final String requestsQuery;
  private final String errorsQuery;
  private final String latencyQuery;
  private final int maxLatencySamples;

  private PrometheusMetricSource(Builder b) {
    this.baseUri = b.baseUri;
    this.client = b.client != null ? b.client : HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.timeout = b.timeout;
    this.requestsQuery = b.requestsQuery;
    this.errorsQuery = b.errorsQuery;
    this.latencyQuery = b.latencyQuery;
    this.maxLatencySamples = b.maxLatencySamples;
  }

  /** Starts building a source for the Prometheus at {@code baseUri}, e.g. {@code http://prometheus:9090}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  @Override
  public Window observe(String canary, Instant from, Instant to) throws IOException, InterruptedException {
    long seconds = Math.max(1, Duration.between(from, to).toSeconds());
    Side baseline = side(canary, Cohort.BASELINE, seconds, to);
    Side canarySide = side(canary, Cohort.CANARY, seconds, to);
    if (latencyQuery == null) {
      return new Window(baseline, canarySide);
    }
    Latencies b = latencies(fill(latencyQuery, canary, Cohort.BASELINE, seconds), to);
    Latencies c = latencies(fill(latencyQuery, canary, Cohort.CANARY, seconds), to);
    String note = BUCKET_NOTE;
    if (!c.missing().isEmpty()) {
      note = "Prometheus has " + c.missing() + " for the canary";
    } else if (!b.missing().isEmpty()) {
      note = "Prometheus has " + b.missing() + " for the baseline";
    }
    return new Window(new Side(baseline.requests(), baseline.errors(), b.millis()),
        new Side(canarySide.requests(), canarySide.errors(), c.millis()), note);
  }

  private Side side(String canary, Cohort cohort, long seconds, Instant at)
      throws IOException, InterruptedException {
    long requests = Math.round(sum(query(fill(requestsQuery, canary, cohort, seconds), at)));
    long errors = Math.round(sum(query(fill(errorsQuery, canary, cohort, seconds), at)));
    return new Side(requests, Math.min(errors, requests), new double[0]);
  }

  /** Fills a template's placeholders; the names go into PromQL double-quoted strings, so they are escaped. */
  private static String fill(String template, String canary, Cohort cohort, long seconds) {
    return template.replace("{canary}", escape(canary)).replace("{cohort}", escape(cohort.tag()))
        .replace("{range}", seconds + "s");
  }

  /** Escapes a label value for a double-quoted PromQL string. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** One instant query; its result, a vector or a scalar. */
  private JsonNode query(String promql, Instant at) throws IOException, InterruptedException {
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
    if (root == null || !"success".equals(root.path("status").asText())) {
      throw new IOException("Prometheus answered status '" + (root == null ? "" : root.path("status").asText())
          + "' (" + (root == null ? "an empty body" : root.path("error").asText()) + ") to " + promql);
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText();
    if (!type.equals("vector") && !type.equals("scalar")) {
      throw new IOException("Prometheus answered a '" + type + "', not a vector, to " + promql);
    }
    return data;
  }

  /** The sum of a vector's values, 0 for an empty vector; or the scalar. */
  private static double sum(JsonNode data) throws IOException {
    if (data.path("resultType").asText().equals("scalar")) {
      return number(data.path("result").path(1).asText(), "the scalar");
    }
    double sum = 0;
    for (JsonNode series : data.path("result")) {
      sum += number(series.path("value").path(1).asText(), "the series " + series.path("metric"));
    }
    return sum;
  }

  /**
   * One side's latencies: a sample from the histogram buckets that a query gives (one series per {@code le}), or
   * none with what is missing.
   */
  private record Latencies(double[] millis, String missing) {}

  private Latencies latencies(String promql, Instant at) throws IOException, InterruptedException {
    JsonNode data = query(promql, at);
    if (!data.path("resultType").asText().equals("vector")) {
      throw new IOException("Prometheus answered a scalar, not histogram buckets, to " + promql);
    }
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (JsonNode series : data.path("result")) {
      JsonNode le = series.path("metric").path("le");
      if (!le.isTextual()) {
        throw new IOException("a series without an 'le' label, " + series.path("metric")
            + ", is not a histogram bucket; the query must give one series per bucket (sum by (le)): " + promql);
      }
      double bound = bound(le.asText(), promql);
      double count = number(series.path("value").path(1).asText(), "the bucket le=" + le.asText());
      if (buckets.put(bound, count) != null) {
        throw new IOException("two series for the bucket le=" + le.asText()
            + "; the query must sum the buckets by le: " + promql);
      }
    }
    if (buckets.isEmpty()) {
      return new Latencies(new double[0], "no latency histogram buckets in the window");
    }
    if (buckets.size() == 1 && buckets.firstKey() == Double.POSITIVE_INFINITY) {
      return new Latencies(new double[0], "only the +Inf latency bucket, no finite bound, in the window");
    }
    double[] bounds = new double[buckets.size()];
    double[] counts = new double[buckets.size()];
    int i = 0;
    for (Map.Entry<Double, Double> e : buckets.entrySet()) {
      bounds[i] = e.getKey();
      counts[i++] = e.getValue();
    }
    try {
      return new Latencies(HistogramSample.fromCumulativeBuckets(bounds, counts, maxLatencySamples), "");
    } catch (IllegalArgumentException e) {
      throw new IOException("Prometheus's latency buckets are not a histogram: " + e.getMessage() + ", for "
          + promql, e);
    }
  }

  private static double bound(String le, String promql) throws IOException {
    if (le.equals("+Inf") || le.equals("Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double v = Double.parseDouble(le);
      if (Double.isNaN(v)) {
        throw new NumberFormatException("NaN");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IOException("the bucket bound le=\"" + le + "\" is not a number, for " + promql, e);
    }
  }

  private static double number(String text, String what) throws IOException {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IOException("Prometheus answered '" + text + "', not a number, for " + what, e);
    }
    if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
      throw new IOException("Prometheus answered " + text + " for " + what + ", not a count");
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
    private String latencyQuery = "sum by (le) (increase(progressive_canary_requests_seconds_bucket{"
        + "canary=\"{canary}\",cohort=\"{cohort}\"}[{range}]))";
    private int maxLatencySamples = 5_000;

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
     * (e.g. {@code 600s}) are filled in, the first two escaped for a double-quoted label value.
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

    /**
     * The PromQL of one side's latency histogram over the window, with the same placeholders: one series per bucket,
     * labelled {@code le} (upper bound in seconds, {@code +Inf} included), valued with the bucket's cumulative count,
     * as {@code sum by (le) (increase(..._bucket{...}[{range}]))} gives.
     */
    public Builder latencyQuery(String template) {
      this.latencyQuery = requireTemplate(template);
      return this;
    }

    /** Reads no latencies: the latency metrics stay INCONCLUSIVE; judge only the error rate with this source. */
    public Builder withoutLatencies() {
      this.latencyQuery = null;
      return this;
    }

    /** The largest latency sample per side built from the buckets; default 5,000. */
    public Builder maxLatencySamples(int maxLatencySamples) {
      if (maxLatencySamples < 20) {
        throw new IllegalArgumentException("maxLatencySamples must be at least 20 (the judge's minimum), was "
            + maxLatencySamples);
      }
      this.maxLatencySamples = maxLatencySamples;
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
