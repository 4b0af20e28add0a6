package dev.progressive.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.CanaryState;
import dev.progressive.spring.canary.CanaryRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code progressive.security.read-public} and {@code write-role} in a WebFlux application: reads are open, writes
 * still need the (configured) role.
 */
@SpringBootTest(classes = ReactivePublicReadsWebTest.App.class, properties = {
    "spring.main.web-application-type=reactive",
    "management.endpoints.web.exposure.include=toggles, canaries",
    "progressive.security.read-public=true",
    "progressive.security.write-role=RELEASE_MANAGER",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.canary.canaries.search.steps[0].weight=10"})
@AutoConfigureWebTestClient
@DirtiesContext
class ReactivePublicReadsWebTest {

  @Autowired
  WebTestClient client;

  @Autowired
  CanaryRegistry registry;

  @Test
  void readsAreOpenAndWritesNeedTheConfiguredRole() {
    client.get().uri("/actuator/canaries/search").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.state").isEqualTo("PENDING");
    client.post().uri("/actuator/canaries/search").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"action\": \"promote\"}").exchange()
        .expectStatus().isUnauthorized();
    client.post().uri("/actuator/canaries/search").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"action\": \"promote\"}").headers(h -> h.setBasicAuth("admin", "secret")).exchange()
        .expectStatus().isForbidden();
    assertThat(registry.find("search").orElseThrow().state()).isEqualTo(CanaryState.PENDING);
    client.post().uri("/actuator/canaries/search").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"action\": \"promote\"}").headers(h -> h.setBasicAuth("manager", "secret")).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.state").isEqualTo("PROGRESSING");
    assertThat(registry.find("search").orElseThrow().state()).isEqualTo(CanaryState.PROGRESSING);
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    MapReactiveUserDetailsService users() {
      return new MapReactiveUserDetailsService(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("manager").password("{noop}secret").roles("RELEASE_MANAGER").build());
    }
  }
}
