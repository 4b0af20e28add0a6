package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The demo mode drives traffic and prints its progress line, and then every metric that the Grafana dashboard
 * ({@code samples/observability/grafana-dashboard.json}) queries is in the sample's {@code /actuator/prometheus}
 * output: a meter renamed in the library, or a query mistyped in the dashboard, fails this test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
    "restaurant.demo.enabled=true",
    "restaurant.demo.rate=100",
    "restaurant.demo.report-interval=1s",
    "progressive.canary.canaries.pricing-engine.analysis-interval=200ms",
    "progressive.canary.canaries.pricing-service.analysis-interval=200ms"})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class DashboardIT {

  static final Path DASHBOARD = Path.of("..", "observability", "grafana-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\bprogressive_[a-z0-9_]*[a-z0-9]\\b");

  @LocalServerPort
  int port;

  SampleClient client;

  @BeforeEach
  void client() {
    client = new SampleClient(port);
  }

  @Test
  void everyMetricOfTheDashboardIsExportedAfterDemoTraffic(CapturedOutput output) throws IOException {
    JsonNode dashboard = SampleClient.JSON.readTree(Files.readString(DASHBOARD));
    List<String> queries = queries(dashboard);
    Set<String> metrics = new TreeSet<>();
    for (String query : queries) {
      Matcher matcher = METRIC.matcher(query);
      while (matcher.find()) {
        metrics.add(matcher.group());
      }
    }
    assertThat(metrics).contains("progressive_toggle_evaluations_total", "progressive_toggle_changes_total",
        "progressive_canary_weight", "progressive_canary_requests_seconds_count",
        "progressive_canary_requests_seconds_bucket", "progressive_canary_verdicts_total",
        "progressive_parallelrun_comparisons_total", "progressive_parallelrun_duration_seconds_sum");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(client.sum("progressive_toggle_evaluations_total")).isPositive();
      assertThat(client.sum("progressive_canary_requests_seconds_count", "cohort=\"canary\"")).isPositive();
      assertThat(client.sum("progressive_parallelrun_comparisons_total", "experiment=\"tax\"")).isPositive();
      assertThat(client.sum("progressive_parallelrun_comparisons_total", "experiment=\"menu\"")).isPositive();
      assertThat(client.sum("progressive_canary_verdicts_total")).isPositive();
      // The demo's release plan, its canary waiting for the plan's canary stage, and the HTTP canary on its own.
      assertThat(output.getOut())
          .containsPattern("req/s, \\d+ failed \\| release pricing-v2 RUNNING at dark \\(gate WAIT: ")
          .containsPattern("\\| canary pricing-engine PENDING 0% \\| canary pricing-service PROGRESSING")
          .contains("| parallel run tax: ").contains("new-menu-search on in");
    });

    String exported = client.get("/actuator/prometheus").body();
    Set<String> missing = new TreeSet<>();
    for (String metric : metrics) {
      if (!Pattern.compile("^" + Pattern.quote(metric) + "[{ ]", Pattern.MULTILINE).matcher(exported).find()) {
        missing.add(metric);
      }
    }
    assertThat(missing).as("metrics queried by the dashboard but not exported").isEmpty();
  }

  @Test
  void theDashboardIsImportableAsIs() throws IOException {
    JsonNode dashboard = SampleClient.JSON.readTree(Files.readString(DASHBOARD));

    assertThat(dashboard.get("uid").asText()).isEqualTo("progressive-overview");
    assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource");
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      titles.add(panel.get("title").asText());
      if (!panel.get("type").asText().equals("row")) {
        assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText())
            .isEqualTo("${datasource}");
        assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      }
    }
    assertThat(titles).contains("Flag evaluations by variant", "Flag changes", "Canary weight",
        "Canary requests by cohort", "Canary error rate by cohort", "Latency by cohort", "Verdicts",
        "Parallel-run outcomes by experiment", "Mismatch rate");
  }

  /** Every query: each panel's targets' {@code expr}, in rows too, and the template variables' queries. */
  static List<String> queries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          queries.add(target.get("expr").asText());
        }
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      queries.add(query.isObject() ? query.path("query").asText() : query.asText());
    }
    return queries;
  }

  /** The panels, with the panels of collapsed rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }
}
