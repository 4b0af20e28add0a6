package dev.progressive.spring.web;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.web.servlet.MockMvc;

/** With progressive.security.read-public=true reads are open, writes still need the (renamed) write role. */
@SpringBootTest(classes = PublicReadsWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=toggles,parallelruns",
    "progressive.toggles.sources[0].location=flags.json",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.security.read-public=true",
    "progressive.security.write-role=FLAG_OPS"})
@AutoConfigureMockMvc
class PublicReadsWebTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  ParallelRunner runner;

  @Test
  void readsNeedNoUser() throws Exception {
    mvc.perform(get("/actuator/toggles")).andExpect(status().isOk());
    mvc.perform(get("/actuator/toggles/color")).andExpect(status().isOk());
    mvc.perform(get("/actuator/parallelruns")).andExpect(status().isOk());
  }

  @Test
  void writesStillNeedTheConfiguredRole() throws Exception {
    String body = "{\"state\": \"DISABLED\", \"reason\": \"r\"}";
    mvc.perform(post("/actuator/toggles/new-menu").contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isUnauthorized());
    mvc.perform(post("/actuator/toggles/new-menu").contentType(MediaType.APPLICATION_JSON).content(body)
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isForbidden());
    mvc.perform(post("/actuator/toggles/new-menu").contentType(MediaType.APPLICATION_JSON).content(body)
            .with(httpBasic("ops", "secret")))
        .andExpect(status().isOk());
  }

  @Test
  void parallelRunsListsExperimentsAndShowsOneWithItsMismatches() throws Exception {
    Experiment<String, String, String> greeting = Experiment.<String, String, String>builder("greeting", runner)
        .control(name -> "hello " + name)
        .candidate("v2", name -> "hi " + name)
        .mode(Mode.SEQUENTIAL)
        .build();
    greeting.run("ada");
    mvc.perform(get("/actuator/parallelruns"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.experiments[?(@.name == 'greeting')].comparisons.mismatch").value(1))
        .andExpect(jsonPath("$.runner.threads").value(2));
    mvc.perform(get("/actuator/parallelruns/greeting"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.recentMismatches[0].candidate").value("v2"))
        .andExpect(jsonPath("$.recentMismatches[0].control").value("hello ada"))
        .andExpect(jsonPath("$.recentMismatches[0].candidateValue").value("hi ada"));
    mvc.perform(get("/actuator/parallelruns/nope"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.error").value("No experiment 'nope'"));
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("ops").password("{noop}secret").roles("FLAG_OPS").build());
    }
  }
}
