package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.testing.postgres.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's two-instance walk-through: two instances of the sample with the {@code postgres} profile on one
 * PostgreSQL. A flag changed through one instance's actuator changes the other's menu, and a canary started through
 * one is in force on the other.
 */
@ExtendWith(PostgresExtension.class)
class TwoInstancesOnPostgresIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static ConfigurableApplicationContext start(TestPostgres.Database db, String name) {
    // As the README runs them: the jar with --spring.profiles.active=postgres and the database in PROGRESSIVE_DB_*.
    return new SpringApplicationBuilder(RestaurantServiceApplication.class).run(
        "--spring.profiles.active=postgres",
        "--server.port=0",
        "--restaurant.demo.enabled=false",
        "--spring.jmx.enabled=false",
        "--progressive.canary.canaries.pricing-engine.auto-start=false",
        "--progressive.canary.canaries.pricing-service.auto-start=false",
        "--progressive.toggles.open-feature.domain=" + name,
        "--PROGRESSIVE_DB_URL=" + db.jdbcUrl(),
        "--PROGRESSIVE_DB_USER=" + db.user(),
        "--PROGRESSIVE_DB_PASSWORD=" + db.password());
  }

  private static SampleClient client(ConfigurableApplicationContext context) {
    return new SampleClient(((WebServerApplicationContext) context).getWebServer().getPort());
  }

  @Test
  void aFlagChangedOnOneInstanceTakesEffectOnTheOther(TestPostgres.Database db) {
    try (ConfigurableApplicationContext a = start(db, "instance-a");
        ConfigurableApplicationContext b = start(db, "instance-b")) {
      SampleClient first = client(a);
      SampleClient second = client(b);
      String menu = null;
      for (int i = 0; menu == null && i < 100; i++) {
        String candidate = "/restaurants/trattoria/menu?q=spicy&customer=customer-" + i;
        if (second.json(candidate, null).get("search").asText().equals("classic")) {
          menu = candidate;
        }
      }
      assertThat(menu).as("a customer on the classic search, with a 10% rollout").isNotNull();
      String classic = menu;

      first.postJson("/actuator/toggles/new-menu-search",
          "{\"weights\": {\"on\": 100, \"off\": 0}, \"reason\": \"everyone\"}", SampleClient.OPS);

      await().atMost(WAIT).until(() -> second.json(classic, null).get("search").asText().equals("relevance"));
      JsonNode flag = second.json("/actuator/toggles/new-menu-search", SampleClient.VIEWER);
      assertThat(flag.get("override").isNull()).isFalse();

      first.postJson("/actuator/canaries/pricing-engine", "{\"action\": \"promote\", \"reason\": \"v2 deployed\"}",
          SampleClient.OPS);
      await().atMost(WAIT).untilAsserted(() -> {
        JsonNode canary = second.json("/actuator/canaries/pricing-engine", SampleClient.VIEWER);
        assertThat(canary.get("state").asText()).isEqualTo("PROGRESSING");
        assertThat(canary.get("weight").asDouble()).isEqualTo(25.0);
      });
    }
  }
}
