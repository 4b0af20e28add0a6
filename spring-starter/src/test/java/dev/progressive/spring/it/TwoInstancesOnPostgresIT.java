package dev.progressive.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Two instances of one application (two Spring contexts, each with its own web server and connection pool) on one
 * real PostgreSQL: a change made through one instance's actuator endpoint reaches the other's evaluation.
 */
@ExtendWith(PostgresExtension.class)
class TwoInstancesOnPostgresIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static ConfigurableApplicationContext start(TestPostgres.Database db, String name) {
    return new SpringApplicationBuilder(App.class).properties(
        "spring.application.name=" + name,
        "server.port=0",
        "spring.jmx.enabled=false",
        "spring.datasource.url=" + db.jdbcUrl(),
        "spring.datasource.username=" + db.user(),
        "spring.datasource.password=" + db.password(),
        "spring.datasource.hikari.maximum-pool-size=4",
        "management.endpoints.web.exposure.include=toggles",
        "progressive.toggles.sources[0].location=flags.json",
        "progressive.toggles.store=jdbc",
        "progressive.toggles.open-feature.domain=" + name).run();
  }

  @Test
  void aWriteThroughOneInstancesEndpointReachesTheOtherInstancesEvaluation(TestPostgres.Database db)
      throws Exception {
    try (ConfigurableApplicationContext a = start(db, "instance-a");
        ConfigurableApplicationContext b = start(db, "instance-b")) {
      Toggles togglesB = b.getBean(Toggles.class);
      Client clientB = b.getBean(Client.class);
      assertThat(togglesB.stringValue("color", null, "none")).isEqualTo("#00f");
      assertThat(clientB.getStringValue("color", "none")).isEqualTo("#00f");

      int port = ((WebServerApplicationContext) a).getWebServer().getPort();
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
              .uri(URI.create("http://127.0.0.1:" + port + "/actuator/toggles/color"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Basic " + Base64.getEncoder()
                  .encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8)))
              .POST(HttpRequest.BodyPublishers.ofString("{\"defaultVariant\": \"red\", \"reason\": \"brand\"}"))
              .timeout(WAIT)
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

      await().atMost(WAIT).until(() -> "#f00".equals(togglesB.stringValue("color", null, "none")));
      assertThat(clientB.getStringValue("color", "none")).isEqualTo("#f00");
      List<AuditEntry> audit = togglesB.admin().history("color", Instant.EPOCH, Instant.now().plusSeconds(60), 10);
      assertThat(audit).singleElement().satisfies(entry -> {
        assertThat(entry.actor()).isEqualTo("ops");
        assertThat(entry.reason()).isEqualTo("brand");
      });
    }
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("ops").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build());
    }
  }
}
