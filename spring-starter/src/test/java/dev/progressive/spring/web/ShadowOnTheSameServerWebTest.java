package dev.progressive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP shadowing to a candidate served by the same application under {@code /v2}, on a random port: the candidate
 * URL {@code http://127.0.0.1:${local.server.port}/v2} is known only once the server has started.
 */
@SpringBootTest(classes = ShadowOnTheSameServerWebTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "progressive.toggles.enabled=false",
        "progressive.parallel-run.shadow.candidate=http://127.0.0.1:${local.server.port}/v2",
        "progressive.parallel-run.shadow.timeout=60s",
        "progressive.parallel-run.shadow.routes[0].name=menu",
        "progressive.parallel-run.shadow.routes[0].path=/restaurants/*/menu"})
class ShadowOnTheSameServerWebTest {

  private static final List<String> CANDIDATE_CALLS = new CopyOnWriteArrayList<>();

  @LocalServerPort
  int port;

  @Autowired
  HttpShadow shadow;

  @Test
  void theCandidateUnderAPathOfTheSameServerGetsTheRequestWithItsQuery() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/restaurants/7/menu?lang=en"))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString("user:secret".getBytes(StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"price\":10").doesNotContain("11");
    await().atMost(Duration.ofSeconds(60)).until(() -> shadow.report().endpoint("menu")
        .map(ShadowReport.Endpoint::compared).orElse(0L) == 1);
    assertThat(CANDIDATE_CALLS).containsExactly("7 lang=en shadow=true");
    ShadowReport.Endpoint menu = shadow.report().endpoint("menu").orElseThrow();
    assertThat(menu.candidateErrors()).isZero();
    assertThat(menu.mismatched()).isEqualTo(1);
    assertThat(menu.realDifferences()).extracting(ShadowReport.Field::path).containsExactly("body.price");
  }

  @RestController
  static class Menus {
    @GetMapping("/restaurants/{id}/menu")
    Map<String, Object> menu(@PathVariable String id, @RequestParam String lang) {
      return Map.of("restaurant", id, "lang", lang, "price", 10);
    }

    @GetMapping("/v2/restaurants/{id}/menu")
    Map<String, Object> menuV2(@PathVariable String id, @RequestParam String lang,
        @RequestHeader(name = HttpShadow.SHADOW_HEADER, required = false) String shadow) {
      CANDIDATE_CALLS.add(id + " lang=" + lang + " shadow=" + shadow);
      return Map.of("restaurant", id, "lang", lang, "price", 11);
    }
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    Menus menus() {
      return new Menus();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(User.withUsername("user").password("{noop}secret").roles("USER").build());
    }
  }
}
