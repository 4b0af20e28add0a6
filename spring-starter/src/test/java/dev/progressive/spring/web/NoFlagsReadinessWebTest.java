package dev.progressive.spring.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Issue 14, part 5: an instance that has no flags at all (its only source cannot be read as flags) fails readiness
 * with the readiness group of docs/spring.md, and stays live. (With the OpenFeature provider registered, the default,
 * such an instance fails to start: the provider cannot initialise without any flag.)
 */
@SpringBootTest(classes = NoFlagsReadinessWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=health",
    "management.endpoint.health.show-details=always",
    "management.endpoint.health.probes.enabled=true",
    "management.endpoint.health.group.readiness.include=readinessState,progressive",
    "management.endpoint.health.group.readiness.show-details=always",
    "progressive.toggles.sources[0].location=health/not-json.json",
    // With the OpenFeature provider registered, an instance without any flag fails to start instead.
    "progressive.toggles.open-feature.enabled=false"})
@AutoConfigureMockMvc
class NoFlagsReadinessWebTest {

  @Autowired
  MockMvc mvc;

  @Test
  void noFlagsAtAllFailsReadinessButNotLiveness() throws Exception {
    mvc.perform(get("/actuator/health/readiness")).andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.components.progressive.components['classpath-health-not-json.json'].status")
            .value("DOWN"));
    mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
  }

  @SpringBootApplication
  static class App {}
}
