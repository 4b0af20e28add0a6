package dev.progressive.spring.web;

import dev.progressive.spring.shadow.ShadowFilter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.sun.net.httpserver.HttpServer;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowReport;
import dev.progressive.spring.actuate.ParallelRunsEndpoint;
import dev.progressive.spring.actuate.ParallelRunsEndpoint.ShadowRouteDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** HTTP shadowing through the servlet filter, against a real HTTP server standing in for the new version. */
@SpringBootTest(classes = ShadowFilterWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=parallelruns",
    "progressive.toggles.enabled=false",
    "progressive.parallel-run.shadow.timeout=60s",
    "progressive.parallel-run.shadow.routes[0].name=get-order",
    "progressive.parallel-run.shadow.routes[0].path=/orders/*",
    "progressive.parallel-run.shadow.routes[0].ignore-paths=meta.requestId"})
@AutoConfigureMockMvc
class ShadowFilterWebTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> CANDIDATE_REQUESTS = new CopyOnWriteArrayList<>();
  private static HttpServer candidate;

  @DynamicPropertySource
  static void candidate(DynamicPropertyRegistry registry) throws IOException {
    candidate = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    candidate.createContext("/", exchange -> {
      CANDIDATE_REQUESTS.add(exchange.getRequestURI() + " shadow="
          + exchange.getRequestHeaders().getFirst(HttpShadow.SHADOW_HEADER));
      byte[] body = "{\"id\": \"1\", \"total\": 11, \"meta\": {\"requestId\": \"b\"}}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    candidate.start();
    registry.add("progressive.parallel-run.shadow.candidate",
        () -> "http://127.0.0.1:" + candidate.getAddress().getPort());
  }

  @AfterAll
  static void stopCandidate() {
    candidate.stop(0);
  }

  @Autowired
  MockMvc mvc;

  @Autowired
  HttpShadow shadow;

  @Autowired
  ParallelRunsEndpoint endpoint;

  @Test
  void aShadowedRouteIsReplayedAgainstTheCandidateAndComparedWhileTheClientGetsTheApplicationsAnswer()
      throws Exception {
    mvc.perform(get("/orders/1").with(httpBasic("user", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.total").value(10));
    await().atMost(WAIT).until(() -> shadow.report().endpoint("get-order").map(ShadowReport.Endpoint::compared)
        .orElse(0L) == 1);
    ShadowReport.Endpoint route = shadow.report().endpoint("get-order").orElseThrow();
    assertThat(route.mismatched()).isEqualTo(1);
    assertThat(route.realDifferences()).extracting(ShadowReport.Field::path).containsExactly("body.total");
    assertThat(CANDIDATE_REQUESTS).contains("/orders/1 shadow=true");

    List<ShadowRouteDescriptor> shown = endpoint.experiments().shadowRoutes();
    assertThat(shown).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("get-order");
      assertThat(r.realDifferences()).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo("body.total"));
    });

    mvc.perform(get("/other").with(httpBasic("user", "secret"))).andExpect(status().isOk());
    assertThat(CANDIDATE_REQUESTS).as("a request outside the routes is not shadowed")
        .noneMatch(r -> r.startsWith("/other"));
  }

  @RestController
  static class Orders {
    @GetMapping("/orders/{id}")
    Map<String, Object> order(@PathVariable String id) {
      return Map.of("id", id, "total", 10, "meta", Map.of("requestId", "a"));
    }

    @GetMapping("/other")
    String other() {
      return "other";
    }
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    Orders orders() {
      return new Orders();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(User.withUsername("user").password("{noop}secret").roles("USER").build());
    }
  }
}
