package dev.progressive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.spring.actuate.TogglesHealthContributor;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.SourceHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Issue 14, part 5: a typo in a watched flag file, which every instance of a fleet reads, leaves health UP and
 * readiness passing while the last good flags serve; the source says STALE, names the refused flag, and the staleness
 * gauge is what dashboards alert on. The readiness group is the one docs/spring.md recommends.
 */
@SpringBootTest(classes = HealthProbesWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=health",
    "management.endpoint.health.show-details=always",
    "management.endpoint.health.probes.enabled=true",
    "management.endpoint.health.group.readiness.include=readinessState,progressive",
    "management.endpoint.health.group.readiness.show-details=always",
    "progressive.toggles.open-feature.domain=health-probes-web-test"})
@AutoConfigureMockMvc
class HealthProbesWebTest {

  private static final String GOOD = """
      {"flags": {
        "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue"}
      }}""";

  @TempDir
  static Path dir;

  @Autowired
  MockMvc mvc;

  @Autowired
  Toggles toggles;

  @Autowired
  MeterRegistry registry;

  @DynamicPropertySource
  static void flagFile(DynamicPropertyRegistry properties) throws IOException {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, GOOD);
    properties.add("progressive.toggles.sources[0].type", () -> "file");
    properties.add("progressive.toggles.sources[0].location", file::toString);
  }

  @Test
  void aTypoInAWatchedFileIsStaleNotDownAndDoesNotFailReadiness() throws Exception {
    String source = TogglesHealthContributor.safe(toggles.health().get(0).source());
    mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk())
        .andExpect(jsonPath("$.components.progressive.components['" + source + "'].status").value("UP"));

    BlockingQueue<SourceHealth> changes = new LinkedBlockingQueue<>();
    try (AutoCloseable subscription = toggles.onHealthChange(changes::add)) {
      Files.writeString(dir.resolve("flags.json"), GOOD.replace("\"defaultVariant\": \"blue\"",
          "\"defaultVariant\": \"bleu\""));
      SourceHealth changed = changes.poll(60, TimeUnit.SECONDS);
      assertThat(changed).as("the watcher saw the typo").isNotNull();
      assertThat(changed.status()).isEqualTo(SourceHealth.Status.STALE);
    }

    assertThat(toggles.stringValue("color", dev.progressive.toggles.EvaluationContext.empty(), "x"))
        .as("the last good definition serves").isEqualTo("#00f");
    String path = "$.components.progressive.components['" + source + "']";
    mvc.perform(get("/actuator/health")).andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("UP"))
        .andExpect(jsonPath(path + ".status").value("STALE"))
        .andExpect(jsonPath(path + ".details.refused[0].flag").value("color"))
        .andExpect(jsonPath(path + ".details.refused[0].path").value("$.flags.color.defaultVariant"))
        .andExpect(jsonPath(path + ".details.refused[0].serving").value("last good definition"));
    mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("UP"));
    mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
    assertThat(registry.get(Toggles.STALENESS).timeGauge().value(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
  }

  @SpringBootApplication
  static class App {}
}
