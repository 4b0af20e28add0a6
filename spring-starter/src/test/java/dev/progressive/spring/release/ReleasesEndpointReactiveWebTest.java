package dev.progressive.spring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.release.ReleasePlan;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The releases endpoint in a WebFlux application with Spring Security, over real HTTP: the starter's reactive chain
 * needs the write role, the body is read strictly, and the principal is the actor.
 */
@SpringBootTest(classes = ReleasesEndpointReactiveWebTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "management.endpoints.web.exposure.include=releases",
        "progressive.toggles.open-feature.enabled=false",
        "progressive.parallel-run.enabled=false",
        "progressive.canary.canaries.checkout.steps[0].weight=50",
        "progressive.releases.checkout-v2.canary=checkout",
        "progressive.releases.checkout-v2.auto-start=true",
        "progressive.releases.checkout-v2.stages[0].kind=preview",
        "progressive.releases.checkout-v2.stages[1].kind=switch",
        "progressive.releases.checkout-v2.stages[1].keep-old=30m"})
@DirtiesContext
class ReleasesEndpointReactiveWebTest {

  @LocalServerPort
  int port;

  @Autowired
  ReleaseRegistry registry;

  @Autowired
  Toggles toggles;

  WebTestClient client;

  @SpringBootApplication
  static class App {
    @Bean
    MapReactiveUserDetailsService users() {
      return new MapReactiveUserDetailsService(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("viewer").password("{noop}secret").roles("USER").build());
    }
  }

  @BeforeEach
  void client() {
    client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
  }

  @Test
  void readsNeedAUserWritesTheRoleAndBodiesAreReadStrictly() {
    client.get().uri("/actuator/releases").exchange().expectStatus().isUnauthorized();
    client.get().uri("/actuator/releases/checkout-v2").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status.stage").isEqualTo("preview")
        .jsonPath("$.stages[1].keepOld").isEqualTo("PT30M");
    long version = toggles.admin().flag("release.checkout-v2").orElseThrow().version();

    action("{\"action\": \"advance\", \"reason\": \"x\"}").exchange().expectStatus().isUnauthorized();
    action("{\"action\": \"advance\", \"reason\": \"x\"}").headers(h -> h.setBasicAuth("viewer", "secret"))
        .exchange().expectStatus().isForbidden();
    action("{\"action\": \"advance\", \"reason\": \"x\", \"force\": 1}").headers(h -> h.setBasicAuth("admin", "secret"))
        .exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("force").jsonPath("$.name").isEqualTo("checkout-v2");
    action("{\"action\": \"approve\", \"reason\": \"x\"}").headers(h -> h.setBasicAuth("admin", "secret"))
        .exchange().expectStatus().isEqualTo(409)
        .expectBody().jsonPath("$.stage").isEqualTo("preview");
    assertThat(toggles.admin().flag("release.checkout-v2").orElseThrow().version()).isEqualTo(version);

    action("{\"action\": \"advance\", \"reason\": \"preview looks right\"}")
        .headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status.stage").isEqualTo("switch");
    ReleasePlan plan = registry.find("checkout-v2").orElseThrow();
    List<AuditEntry> history = plan.history(Instant.EPOCH, Instant.MAX, 10);
    assertThat(history.get(history.size() - 1).actor()).isEqualTo("admin");
    assertThat(history.get(history.size() - 1).reason()).contains("preview looks right");
  }

  private WebTestClient.RequestHeadersSpec<?> action(String body) {
    return client.post().uri("/actuator/releases/checkout-v2").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body);
  }
}
