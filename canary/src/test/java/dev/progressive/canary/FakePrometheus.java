package dev.progressive.canary;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.and;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WireMock Prometheus on loopback that answers the three queries of {@link PrometheusMetricSource} per side:
 * requests ({@code _count}), errors ({@code _count} with {@code outcome="error"}) and latency buckets
 * ({@code _bucket}).
 */
final class FakePrometheus implements AutoCloseable {

  private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  final WireMockServer server;

  FakePrometheus() {
    server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Override
  public void close() {
    server.stop();
  }

  static String vector(String value) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
        + "\"value\":[1767226200,\"" + value + "\"]}]}}";
  }

  static final String EMPTY = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

  /** A vector of one series per bucket, labelled le, as {@code sum by (le) (increase(..._bucket[...]))} gives. */
  static String buckets(Map<String, String> cumulativeByLe) {
    StringBuilder json = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
    String sep = "";
    for (Map.Entry<String, String> e : cumulativeByLe.entrySet()) {
      json.append(sep).append("{\"metric\":{\"le\":\"").append(e.getKey()).append("\"},\"value\":[1767226200,\"")
          .append(e.getValue()).append("\"]}");
      sep = ",";
    }
    return json.append("]}}").toString();
  }

  /** Buckets from bounds in seconds ({@code +Inf} last) and cumulative counts. */
  static String buckets(double[] bounds, double[] cumulative) {
    Map<String, String> byLe = new java.util.LinkedHashMap<>();
    for (int i = 0; i < bounds.length; i++) {
      byLe.put(bounds[i] == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(bounds[i]),
          Double.toString(cumulative[i]));
    }
    return buckets(byLe);
  }

  void requests(String cohort, String body) {
    answer(and(containing("_count"), containing("cohort=\"" + cohort + "\""), notContaining("outcome")), body);
  }

  void errors(String cohort, String body) {
    answer(and(containing("_count"), containing("cohort=\"" + cohort + "\""), containing("outcome=\"error\"")),
        body);
  }

  void latencies(String cohort, String body) {
    answer(and(containing("_bucket"), containing("cohort=\"" + cohort + "\"")), body);
  }

  void counts(String cohort, long requests, long errors) {
    requests(cohort, vector(Long.toString(requests)));
    errors(cohort, vector(Long.toString(errors)));
  }

  private void answer(StringValuePattern query, String body) {
    server.stubFor(get(urlPathEqualTo("/api/v1/query")).withQueryParam("query", query)
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
  }

  /**
   * Answers what Prometheus would answer for a window that starts at zero, from a Prometheus registry's scrape of
   * the canary's timer: the counts and buckets of each side, summed over outcomes (and by le).
   */
  void answerFromScrape(String scrape, String canary) {
    for (String cohort : new String[] {"baseline", "canary"}) {
      double requests = 0;
      double errors = 0;
      Map<Double, Double> byLe = new TreeMap<>();
      for (String line : scrape.split("\n")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.find()) {
          continue;
        }
        Map<String, String> labels = new TreeMap<>();
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
        if (!canary.equals(labels.get("canary")) || !cohort.equals(labels.get("cohort"))) {
          continue;
        }
        double value = Double.parseDouble(m.group(3));
        switch (m.group(1)) {
          case "progressive_canary_requests_seconds_count" -> {
            requests += value;
            if ("error".equals(labels.get("outcome"))) {
              errors += value;
            }
          }
          case "progressive_canary_requests_seconds_bucket" -> {
            String le = labels.get("le");
            byLe.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value, Double::sum);
          }
          default -> { }
        }
      }
      requests(cohort, vector(String.format(Locale.ROOT, "%.0f", requests)));
      errors(cohort, vector(String.format(Locale.ROOT, "%.0f", errors)));
      Map<String, String> json = new java.util.LinkedHashMap<>();
      byLe.forEach((le, count) -> json.put(le == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(le),
          String.format(Locale.ROOT, "%.0f", count)));
      latencies(cohort, buckets(json));
    }
  }
}
