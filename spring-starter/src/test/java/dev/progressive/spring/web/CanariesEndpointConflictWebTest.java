package dev.progressive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import java.time.Instant;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A canary action decided on a state that another instance has changed meanwhile: the store refuses the stale
 * version, the endpoint answers 409, and nothing of the refused action is stored.
 *
 * <p>The canaries endpoint has no version field in its body (DESIGN.md: {@code {"action": ...}} only): the version
 * an action is decided on is the one this instance last read. A second {@link Toggles} over the same store, which
 * this instance does not hear from (as with a shared database before its notification arrives), plays the other
 * instance.
 */
@SpringBootTest(classes = CanariesEndpointConflictWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=canaries",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
    "progressive.canary.canaries.checkout-v2.steps[1].weight=50",
    "progressive.canary.canaries.checkout-v2.auto-start=true"})
@AutoConfigureMockMvc
@DirtiesContext
class CanariesEndpointConflictWebTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  CanaryRegistry registry;

  @Autowired
  FlagStore store;

  @Test
  void anActionOnAStateThatAnotherInstanceChangedIs409AndChangesNothing() throws Exception {
    Canary here = registry.find("checkout-v2").orElseThrow();
    assertThat(here.state()).isEqualTo(CanaryState.PROGRESSING);
    try (Toggles otherToggles = Toggles.builder().store(store).build();
        Canary otherInstance = Canary.builder(here.release(), otherToggles).build()) {
      otherInstance.pause("bob", "incident on the other instance");
      List<AuditEntry> before = audit();
      assertThat(here.state()).as("this instance has not heard of the pause yet").isEqualTo(CanaryState.PROGRESSING);

      mvc.perform(post("/actuator/canaries/checkout-v2").contentType(MediaType.APPLICATION_JSON)
              .content("{\"action\": \"promote\", \"reason\": \"looks good\"}").with(httpBasic("admin", "secret")))
          .andExpect(status().isConflict())
          .andExpect(jsonPath("$.name").value("checkout-v2"))
          .andExpect(jsonPath("$.error", Matchers.not(Matchers.emptyString())));

      assertThat(audit()).isEqualTo(before);
      assertThat(audit()).noneMatch(entry -> entry.actor().equals("admin"));
      assertThat(otherInstance.state()).isEqualTo(CanaryState.PAUSED);
      assertThat(otherInstance.weight()).isEqualTo(500);
    }
  }

  private List<AuditEntry> audit() {
    return store.history(null, Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build());
    }

    /** A store of this process only, which tells no Toggles of another's writes. */
    @Bean
    FlagStore flagStore() {
      return new InMemoryFlagStore();
    }
  }
}
