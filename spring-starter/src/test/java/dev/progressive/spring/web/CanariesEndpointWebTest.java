package dev.progressive.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The canaries endpoint over HTTP with Spring Security: every answer, and no change on a refused action. */
@SpringBootTest(classes = CanariesEndpointWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=canaries",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
    "progressive.canary.canaries.checkout-v2.steps[1].weight=50",
    "progressive.canary.canaries.checkout-v2.auto-start=true",
    "progressive.canary.canaries.search.steps[0].weight=10"})
@AutoConfigureMockMvc
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class CanariesEndpointWebTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  CanaryRegistry registry;

  @Test
  void readsNeedAnAuthenticatedUser() throws Exception {
    mvc.perform(get("/actuator/canaries")).andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/canaries/checkout-v2")).andExpect(status().isUnauthorized());
  }

  @Test
  void listsEveryCanaryWithStateStepWeightAndLastVerdict() throws Exception {
    mvc.perform(get("/actuator/canaries").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.canaries[0].name").value("checkout-v2"))
        .andExpect(jsonPath("$.canaries[0].state").value("PROGRESSING"))
        .andExpect(jsonPath("$.canaries[0].step").value(0))
        .andExpect(jsonPath("$.canaries[0].weight").value(5.0))
        .andExpect(jsonPath("$.canaries[0].lastVerdict").value(""))
        .andExpect(jsonPath("$.canaries[0].awaitingOperator").value(false))
        .andExpect(jsonPath("$.canaries[1].name").value("search"))
        .andExpect(jsonPath("$.canaries[1].state").value("PENDING"))
        .andExpect(jsonPath("$.canaries[1].weight").value(0.0));
  }

  @Test
  void readsOneCanaryAndAnUnknownOneIs404() throws Exception {
    mvc.perform(get("/actuator/canaries/search").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.name").value("search"))
        .andExpect(jsonPath("$.state").value("PENDING"));
    mvc.perform(get("/actuator/canaries/nope").with(httpBasic("viewer", "secret")))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.error").value("No canary 'nope'"));
    mvc.perform(action("nope", "{\"action\": \"pause\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isNotFound());
  }

  @Test
  void anAdminPausesResumesAndPromotesAndIsTheActorInTheAudit() throws Exception {
    mvc.perform(action("checkout-v2", "{\"action\": \"pause\", \"reason\": \"incident 4711\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("PAUSED"));
    Canary canary = canary("checkout-v2");
    assertThat(canary.state()).isEqualTo(CanaryState.PAUSED);
    AuditEntry last = lastAudit(canary);
    assertThat(last.actor()).isEqualTo("admin");
    assertThat(last.reason()).isEqualTo("[canary pause] incident 4711");
    mvc.perform(action("checkout-v2", "{\"action\": \"resume\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("PROGRESSING"));
    mvc.perform(action("checkout-v2", "{\"action\": \"promote\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.step").value(1))
        .andExpect(jsonPath("$.weight").value(50.0));
    mvc.perform(action("checkout-v2", "{\"action\": \"promote\", \"fully\": true}").with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("PROMOTED"))
        .andExpect(jsonPath("$.weight").value(100.0));
    assertThat(canary.weight()).isEqualTo(10_000);
  }

  @Test
  void anAbortRollsBack() throws Exception {
    mvc.perform(action("checkout-v2", "{\"action\": \"abort\", \"reason\": \"errors\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("ROLLED_BACK"))
        .andExpect(jsonPath("$.weight").value(0.0));
    assertThat(canary("checkout-v2").weight()).isZero();
  }

  @Test
  void anUnknownActionOrOneTheStateDoesNotAllowIs400AndChangesNothing() throws Exception {
    Snapshot before = snapshot("search");
    mvc.perform(action("search", "{\"action\": \"explode\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("promote, pause, resume or abort")));
    mvc.perform(action("search", "{}").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest());
    mvc.perform(action("search", "{\"action\": \"resume\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").isNotEmpty());
    assertThat(snapshot("search")).isEqualTo(before);
  }

  @Test
  void aBadBodyIs400NamingTheFieldAndChangesNothing() throws Exception {
    Snapshot before = snapshot("search");
    String[][] refusals = {
        {"{\"action\": \"pause\", \"reasn\": \"typo\"}", "reasn", "Unknown field \"reasn\""},
        {"{\"action\": \"pause\", \"action\": \"abort\"}", "action", "Duplicate field \"action\""},
        {"{\"action\": \"promote\", \"fully\": \"yes\"}", "fully", "\"fully\" must be true or false"},
        {"{\"action\": 1}", "action", "\"action\" must be a string"},
        {"{\"action\": \"pause\"", null, "not valid JSON"}};
    for (String[] refusal : refusals) {
      String answer = mvc.perform(action("search", refusal[0]).with(httpBasic("admin", "secret")))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.error", containsString(refusal[2])))
          .andReturn().getResponse().getContentAsString();
      if (refusal[1] != null) {
        assertThat(answer).as(refusal[0]).contains("\"field\":\"" + refusal[1] + "\"");
      }
      assertThat(answer).doesNotContain("REDACTED", "StreamReadFeature", "Jackson");
    }
    assertThat(snapshot("search")).isEqualTo(before);

    // A reason that would forge a log line is refused before the canary writes anything.
    Snapshot progressing = snapshot("checkout-v2");
    mvc.perform(action("checkout-v2", "{\"action\": \"pause\", \"reason\": \"a\\nERROR forged\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("control characters")));
    assertThat(snapshot("checkout-v2")).isEqualTo(progressing);
  }

  @Test
  void actionsNeedTheWriteRoleAndARefusedActionChangesNothing() throws Exception {
    Snapshot before = snapshot("checkout-v2");
    mvc.perform(action("checkout-v2", "{\"action\": \"abort\"}")).andExpect(status().isUnauthorized());
    mvc.perform(action("checkout-v2", "{\"action\": \"abort\"}").with(httpBasic("viewer", "secret")))
        .andExpect(status().isForbidden());
    mvc.perform(action("checkout-v2", "{\"action\": \"abort\"}").with(httpBasic("admin", "wrong")))
        .andExpect(status().isUnauthorized());
    assertThat(snapshot("checkout-v2")).isEqualTo(before);
    assertThat(before.state()).isEqualTo(CanaryState.PROGRESSING);
  }

  private record Snapshot(CanaryState state, int step, int weight, int auditEntries) {}

  private Canary canary(String name) {
    return registry.find(name).orElseThrow();
  }

  private Snapshot snapshot(String name) {
    Canary canary = canary(name);
    return new Snapshot(canary.state(), canary.step(), canary.weight(), audit(canary).size());
  }

  private static List<AuditEntry> audit(Canary canary) {
    return canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
  }

  private static AuditEntry lastAudit(Canary canary) {
    return audit(canary).stream().max(Comparator.comparingLong(AuditEntry::version)).orElseThrow();
  }

  private static MockHttpServletRequestBuilder action(String name, String body) {
    return post("/actuator/canaries/" + name).contentType(MediaType.APPLICATION_JSON).content(body);
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("viewer").password("{noop}secret").roles("USER").build());
    }
  }
}
