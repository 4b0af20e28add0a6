package dev.progressive.samples.restaurant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real HTTP to a running sample, as its users and ops reach it; JSON answers are parsed with Jackson. */
final class SampleClient {

  static final String OPS = "ops:" + SecurityConfiguration.DEV_OPS_PASSWORD;
  static final String VIEWER = "viewer:" + SecurityConfiguration.DEV_VIEWER_PASSWORD;
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  private final String base;

  SampleClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
  }

  HttpResponse<String> get(String path, String credentials) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), credentials);
  }

  HttpResponse<String> post(String path, String json, String credentials) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), credentials);
  }

  HttpResponse<String> delete(String path, String credentials) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), credentials);
  }

  /** GET that must answer 200; its JSON. */
  JsonNode json(String path, String credentials) {
    HttpResponse<String> response = get(path, credentials);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** POST that must answer 2xx; its JSON. */
  JsonNode postJson(String path, String json, String credentials) {
    HttpResponse<String> response = post(path, json, credentials);
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** A quote for a customer: two dishes of Ajanta, 3 km away. */
  JsonNode quote(String customerId) {
    return postJson("/quotes", "{\"restaurantId\":\"ajanta\",\"customerId\":\"" + customerId + "\",\"items\":["
        + "{\"menuItemId\":\"ajanta-1\",\"quantity\":1},{\"menuItemId\":\"ajanta-3\",\"quantity\":3}],"
        + "\"distanceKm\":3.2}", null);
  }

  /** The same quote from a tester, who asks for the new pricing engine with {@code X-Canary-Cohort: canary}. */
  JsonNode testerQuote(String customerId) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/quotes"))
        .header("Content-Type", "application/json").header("X-Canary-Cohort", "canary")
        .POST(HttpRequest.BodyPublishers.ofString("{\"restaurantId\":\"ajanta\",\"customerId\":\"" + customerId
            + "\",\"items\":[{\"menuItemId\":\"ajanta-1\",\"quantity\":1},{\"menuItemId\":\"ajanta-3\","
            + "\"quantity\":3}],\"distanceKm\":3.2}")), null);
    if (response.statusCode() != 200) {
      throw new AssertionError("a tester's quote answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /**
   * The sum of the samples of one Prometheus series family whose labels include all of {@code labels}, e.g.
   * {@code sum("progressive_canary_requests_seconds_count", "canary=\"pricing-engine\"", "cohort=\"canary\"")}.
   */
  double sum(String metric, String... labels) {
    String text = get("/actuator/prometheus").body();
    Matcher line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
        .matcher(text);
    double sum = 0;
    while (line.find()) {
      boolean all = true;
      for (String label : labels) {
        all &= line.group(1).contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.group(2));
      }
    }
    return sum;
  }

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String credentials) {
    if (credentials != null) {
      request.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
