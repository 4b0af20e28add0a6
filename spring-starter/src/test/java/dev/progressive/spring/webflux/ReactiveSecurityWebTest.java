package dev.progressive.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Instant;
import java.util.Comparator;
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
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The Progressive endpoints in a WebFlux application with Spring Security, over real HTTP: the starter's
 * {@code progressiveSecurityWebFilterChain} guards them, the principal is the actor in the audit, and Boot's default
 * chain still guards the rest of the application.
 */
@SpringBootTest(classes = ReactiveSecurityWebTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "spring.main.web-application-type=reactive",
        "management.endpoints.web.exposure.include=health, toggles, canaries, parallelruns",
        "progressive.toggles.sources[0].location=flags.json",
        "progressive.toggles.open-feature.enabled=false",
        "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
        "progressive.canary.canaries.checkout-v2.steps[1].weight=50",
        "progressive.canary.canaries.checkout-v2.auto-start=true"})
@DirtiesContext
class ReactiveSecurityWebTest {

  @LocalServerPort
  int port;

  @Autowired
  CanaryRegistry registry;

  @Autowired
  Toggles toggles;

  @Autowired
  List<SecurityWebFilterChain> chains;

  WebTestClient client;

  @BeforeEach
  void client() {
    client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
  }

  @Test
  void theStarterAddsItsChainBesideBootsDefaultOne() {
    assertThat(chains).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void readsNeedAnAuthenticatedUser() {
    client.get().uri("/actuator/canaries").exchange().expectStatus().isUnauthorized();
    client.get().uri("/actuator/toggles").exchange().expectStatus().isUnauthorized();
    client.get().uri("/actuator/parallelruns").exchange().expectStatus().isUnauthorized();
    client.get().uri("/actuator/canaries").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.canaries[0].name").isEqualTo("checkout-v2");
    client.get().uri("/actuator/toggles/new-menu").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.key").isEqualTo("new-menu");
    client.get().uri("/actuator/parallelruns").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isOk();
  }

  @Test
  void aCanaryActionWithoutCredentialsIs401AndWithoutTheRoleIs403AndChangesNothing() {
    Snapshot before = snapshot();
    canaryAction("{\"action\": \"abort\"}").exchange().expectStatus().isUnauthorized();
    canaryAction("{\"action\": \"abort\"}").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isForbidden();
    canaryAction("{\"action\": \"abort\"}").headers(h -> h.setBasicAuth("admin", "wrong")).exchange()
        .expectStatus().isUnauthorized();
    assertThat(snapshot()).isEqualTo(before);
    assertThat(before.state()).isEqualTo(CanaryState.PROGRESSING);
  }

  @Test
  void anAdminActsOnACanaryAndIsTheActorInTheAudit() {
    canaryAction("{\"action\": \"pause\", \"reason\": \"incident 4711\"}")
        .headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.state").isEqualTo("PAUSED");
    Canary canary = canary();
    assertThat(canary.state()).isEqualTo(CanaryState.PAUSED);
    AuditEntry last = audit(canary).stream().max(Comparator.comparingLong(AuditEntry::version)).orElseThrow();
    assertThat(last.actor()).isEqualTo("admin");
    assertThat(last.reason()).isEqualTo("[canary pause] incident 4711");
    canaryAction("{\"action\": \"resume\"}").headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.state").isEqualTo("PROGRESSING");
  }

  @Test
  void aFlagChangeNeedsTheRoleAndRecordsTheActor() {
    String stateBefore = toggles.admin().flag("new-menu").orElseThrow().state();
    long versionBefore = toggles.admin().flag("new-menu").orElseThrow().version();
    toggle("{\"state\": \"DISABLED\"}").exchange().expectStatus().isUnauthorized();
    toggle("{\"state\": \"DISABLED\"}").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isForbidden();
    assertThat(toggles.admin().flag("new-menu").orElseThrow().state()).isEqualTo(stateBefore);
    assertThat(toggles.admin().flag("new-menu").orElseThrow().version()).isEqualTo(versionBefore);

    toggle("{\"state\": \"DISABLED\", \"reason\": \"rollout paused\"}")
        .headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.state").isEqualTo("DISABLED");
    assertThat(toggles.admin().flag("new-menu").orElseThrow().state()).isEqualTo("DISABLED");
    List<AuditEntry> history = toggles.admin().history("new-menu", Instant.EPOCH, Instant.now().plusSeconds(60), 10);
    assertThat(history).isNotEmpty();
    assertThat(history.get(history.size() - 1).actor()).isEqualTo("admin");
    assertThat(history.get(history.size() - 1).reason()).isEqualTo("rollout paused");
  }

  @Test
  void weightsAreSentAsAnObjectOrAsAJsonString() {
    client.post().uri("/actuator/toggles/checkout").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"weights\": \"{\\\"on\\\": 20, \\\"off\\\": 80}\", \"reason\": \"r\"}")
        .headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk();
    assertThat(toggles.admin().flag("checkout").orElseThrow().effectiveDefinition()).contains("20").contains("80");
    client.post().uri("/actuator/toggles/checkout").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"weights\": {\"on\": 30, \"off\": 70}, \"reason\": \"r\"}")
        .headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.override.weights.on").isEqualTo(30);
  }

  @Test
  void aBadBodyIs400NamingTheFieldAndChangesNothingUnderWebFluxToo() {
    long version = toggles.admin().flag("new-menu").orElseThrow().version();
    String[][] refusals = {
        {"{\"state\": \"DISABLED\", \"reasn\": \"typo\"}", "reasn", "Unknown field"},
        {"{\"state\": \"DISABLED\", \"reason\": \"a\", \"reason\": \"b\"}", "reason", "Duplicate field"},
        {"{\"state\": \"DISABLED\", \"reason\": \"r\", \"version\": \"abc\"}", "version", "whole number"},
        {"{\"state\": \"DISABLED\", \"reason\": \"r\"", null, "not valid JSON"}};
    for (String[] refusal : refusals) {
      String answer = toggle(refusal[0]).headers(h -> h.setBasicAuth("admin", "secret")).exchange()
          .expectStatus().isBadRequest()
          .expectBody(String.class).returnResult().getResponseBody();
      assertThat(answer).as(refusal[0]).contains(refusal[2]).contains("\"key\":\"new-menu\"")
          .doesNotContain("REDACTED", "Jackson");
      if (refusal[1] != null) {
        assertThat(answer).contains("\"field\":\"" + refusal[1] + "\"");
      }
    }
    toggle("{\"state\": \"DISABLED\", \"reasn\": \"typo\"}").exchange().expectStatus().isUnauthorized();
    assertThat(toggles.admin().flag("new-menu").orElseThrow().version()).isEqualTo(version);
  }

  @Test
  void theRestOfTheApplicationStaysUnderBootsDefaultSecurity() {
    client.get().uri("/hello").exchange().expectStatus().isUnauthorized();
    client.get().uri("/hello").headers(h -> h.setBasicAuth("viewer", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody(String.class).isEqualTo("hello");
  }

  private WebTestClient.RequestHeadersSpec<?> canaryAction(String body) {
    return client.post().uri("/actuator/canaries/checkout-v2").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body);
  }

  private WebTestClient.RequestHeadersSpec<?> toggle(String body) {
    return client.post().uri("/actuator/toggles/new-menu").contentType(MediaType.APPLICATION_JSON).bodyValue(body);
  }

  private record Snapshot(CanaryState state, int step, int weight, int auditEntries) {}

  private Canary canary() {
    return registry.find("checkout-v2").orElseThrow();
  }

  private Snapshot snapshot() {
    Canary canary = canary();
    return new Snapshot(canary.state(), canary.step(), canary.weight(), audit(canary).size());
  }

  private static List<AuditEntry> audit(Canary canary) {
    return canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    MapReactiveUserDetailsService users() {
      return new MapReactiveUserDetailsService(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("viewer").password("{noop}secret").roles("USER").build());
    }

    @Bean
    RouterFunction<ServerResponse> hello() {
      return RouterFunctions.route(RequestPredicates.GET("/hello"), request -> ServerResponse.ok().bodyValue("hello"));
    }
  }
}
