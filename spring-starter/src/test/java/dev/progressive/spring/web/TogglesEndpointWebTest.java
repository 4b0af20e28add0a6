package dev.progressive.spring.web;

import dev.progressive.toggles.internal.reserved.CanaryFlagWrites;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.toggles.FlagAdmin;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The toggles endpoint over HTTP with Spring Security: every answer, and no change on a refused write. */
@SpringBootTest(classes = TogglesEndpointWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=toggles,parallelruns,health",
    "progressive.toggles.sources[0].location=flags.json",
    "progressive.toggles.open-feature.domain=toggles-endpoint-web-test"})
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class TogglesEndpointWebTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  Toggles toggles;

  @BeforeEach
  void removeOverrides() {
    for (FlagView flag : toggles.admin().flags()) {
      if (!flag.override().isEmpty() && !FlagAdmin.isCanaryFlag(flag.key())) {
        toggles.admin().removeOverride(flag.key(), ChangeRequest.of("test", "reset", flag.version()));
      }
    }
  }

  @Test
  void readsNeedAnAuthenticatedUser() throws Exception {
    mvc.perform(get("/actuator/toggles")).andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/toggles/new-menu")).andExpect(status().isUnauthorized());
  }

  @Test
  void listsEveryFlagWithStateDefaultVariantVariantsSourceAndVersion() throws Exception {
    mvc.perform(get("/actuator/toggles").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.flags[*].key", hasItems("checkout", "color", "new-menu")))
        .andExpect(jsonPath("$.flags[?(@.key == 'new-menu')].state").value("ENABLED"))
        .andExpect(jsonPath("$.flags[?(@.key == 'new-menu')].defaultVariant").value("off"))
        .andExpect(jsonPath("$.flags[?(@.key == 'new-menu')].variants[*]", hasItems("on", "off")))
        .andExpect(jsonPath("$.flags[?(@.key == 'new-menu')].source").value("classpath:flags.json"))
        .andExpect(jsonPath("$.sources[0].name").value("classpath:flags.json"))
        .andExpect(jsonPath("$.sources[0].status").value("UP"));
  }

  @Test
  void readsOneFlagWithItsDefinitions() throws Exception {
    mvc.perform(get("/actuator/toggles/color").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.key").value("color"))
        .andExpect(jsonPath("$.origins.defaultVariant").value("source"))
        .andExpect(jsonPath("$.effectiveDefinition", containsString("\"blue\"")));
  }

  @Test
  void anUnknownFlagIs404() throws Exception {
    mvc.perform(get("/actuator/toggles/nope").with(httpBasic("viewer", "secret")))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.error").value("No flag 'nope'"));
    mvc.perform(write("/actuator/toggles/nope", "{\"state\": \"DISABLED\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isNotFound());
  }

  @Test
  void anAdminTurnsAFlagOffAndIsTheActorInTheAudit() throws Exception {
    long read = snapshot("new-menu").version();
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\", \"reason\": \"incident 4711\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("DISABLED"))
        .andExpect(jsonPath("$.override.state").value("DISABLED"))
        .andExpect(jsonPath("$.origins.state").value("store"))
        .andExpect(jsonPath("$.version").value(read + 1));
    assertThat(toggles.isEnabled("new-menu")).isFalse();
    assertThat(toggles.admin().flag("new-menu").orElseThrow().state()).isEqualTo("DISABLED");
    AuditEntry last = lastAudit("new-menu");
    assertThat(last.actor()).isEqualTo("admin");
    assertThat(last.reason()).isEqualTo("incident 4711");
  }

  @Test
  void changesTheDefaultVariantAndTheWeights() throws Exception {
    mvc.perform(write("/actuator/toggles/color", "{\"defaultVariant\": \"red\", \"reason\": \"brand\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.defaultVariant").value("red"));
    assertThat(toggles.stringValue("color", null, "none")).isEqualTo("#f00");
    mvc.perform(write("/actuator/toggles/checkout", "{\"weights\": {\"on\": 100, \"off\": 0}, \"reason\": \"all in\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.override.weights.on").value(100));
    assertThat(toggles.isEnabled("checkout", dev.progressive.toggles.EvaluationContext.builder()
        .targetingKey("user-1").build())).isTrue();
  }

  @Test
  void aStaleVersionIs409WithTheCurrentVersionAndChangesNothing() throws Exception {
    long read = snapshot("new-menu").version();
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\", \"reason\": \"r\", \"version\": " + read + "}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.version").value(read + 1));
    Snapshot before = snapshot("new-menu");
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"ENABLED\", \"reason\": \"r\", \"version\": " + read + "}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.currentVersion").value(read + 1))
        .andExpect(jsonPath("$.expectedVersion").value(read));
    assertThat(snapshot("new-menu")).isEqualTo(before);
    assertThat(before.state()).isEqualTo("DISABLED");
  }

  @Test
  void badBodiesAre400WithAMessageAndChangeNothing() throws Exception {
    String[] bodies = {
        "{\"state\": \"MAYBE\", \"reason\": \"r\"}",
        "{}",
        "{\"state\": \"DISABLED\", \"defaultVariant\": \"on\", \"reason\": \"r\"}",
        "{\"defaultVariant\": \"purple\", \"reason\": \"r\"}",
        "{\"weights\": {\"on\": -1}, \"reason\": \"r\"}",
        "{\"weights\": {\"on\": \"many\"}, \"reason\": \"r\"}",
        "{\"weights\": {\"on\": 20, \"nope\": 80}, \"reason\": \"r\"}",
        "{\"state\": \"DISABLED\", \"version\": -1, \"reason\": \"r\"}"};
    Snapshot before = snapshot("new-menu");
    for (String body : bodies) {
      mvc.perform(write("/actuator/toggles/new-menu", body).with(httpBasic("admin", "secret")))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.error").isNotEmpty());
    }
    assertThat(snapshot("new-menu")).isEqualTo(before);
  }

  @Test
  void writesNeedTheWriteRoleAndARefusedWriteChangesNothing() throws Exception {
    Snapshot before = snapshot("new-menu");
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\"}"))
        .andExpect(status().isUnauthorized());
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\"}").with(httpBasic("viewer", "secret")))
        .andExpect(status().isForbidden());
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\"}").with(httpBasic("admin", "wrong")))
        .andExpect(status().isUnauthorized());
    mvc.perform(delete("/actuator/toggles/new-menu").with(httpBasic("viewer", "secret")))
        .andExpect(status().isForbidden());
    assertThat(snapshot("new-menu")).isEqualTo(before);
  }

  @Test
  void deleteRemovesTheOverride() throws Exception {
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\", \"reason\": \"r\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isOk());
    mvc.perform(delete("/actuator/toggles/new-menu").param("reason", "back to the file")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("ENABLED"))
        .andExpect(jsonPath("$.origins.state").value("source"));
    assertThat(lastAudit("new-menu").reason()).isEqualTo("back to the file");
  }

  /** A refused body: what was sent, the field the answer must name (null: the body as a whole) and words it says. */
  private record Refusal(String body, String field, String says) {}

  @Test
  void eachBadBodyIs400NamingTheFieldInItsOwnWordsAndChangesNothing() throws Exception {
    Refusal[] refusals = {
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"r\"", null, "not valid JSON (line 1"),
        new Refusal("{\"state\": DISABLED}", null, "not valid JSON"),
        new Refusal("[\"state\", \"DISABLED\"]", null, "must be one JSON object"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"r\"} {}", null, "not valid JSON"),
        new Refusal("{\"state\": 5, \"reason\": \"r\"}", "state", "\"state\" must be a string, was 5"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": [\"r\"]}", "reason", "must be a string, was an array"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"r\", \"version\": \"abc\"}", "version",
            "\"version\" must be a whole number from 0, was \"abc\""),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"r\", \"version\": 1.5}", "version", "whole number"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"r\", \"version\": 99999999999999999999}", "version",
            "whole number"),
        new Refusal("{\"state\": \"DISABLED\", \"reasn\": \"typo\"}", "reasn", "Unknown field \"reasn\""),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"a\", \"reason\": \"b\"}", "reason",
            "Duplicate field \"reason\""),
        new Refusal("{\"weights\": {\"on\": \"many\", \"off\": 1}, \"reason\": \"r\"}", "weights.on",
            "\"weights.on\" must be a whole number"),
        new Refusal("{\"weights\": {\"on\": 1.5, \"off\": 1}, \"reason\": \"r\"}", "weights.on", "whole number"),
        new Refusal("{\"weights\": [1, 2], \"reason\": \"r\"}", "weights", "must be an object of variant names"),
        new Refusal("{\"state\": \"DISABLED\"}", "reason", "needs a reason"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"   \"}", "reason", "needs a reason"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"" + "x".repeat(1_001) + "\"}", "reason",
            "at most 1000 characters long, was 1001"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"nul\\u0000byte\"}", "reason", "U+0000"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"ok\\nERROR forged\"}", "reason", "U+000A"),
        new Refusal("{\"state\": \"DISABLED\", \"reason\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}", null,
            "longer than 65536 bytes")};
    Snapshot before = snapshot("new-menu");
    for (Refusal refusal : refusals) {
      String answer = mvc.perform(write("/actuator/toggles/new-menu", refusal.body())
              .with(httpBasic("admin", "secret")))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.error", containsString(refusal.says())))
          .andReturn().getResponse().getContentAsString();
      if (refusal.field() == null) {
        assertThat(answer).as(refusal.body()).doesNotContain("\"field\"");
      } else {
        assertThat(com.jayway.jsonpath.JsonPath.<String>read(answer, "$.field")).as(refusal.body())
            .isEqualTo(refusal.field());
      }
      assertThat(com.jayway.jsonpath.JsonPath.<String>read(answer, "$.key")).isEqualTo("new-menu");
      assertThat(answer).as("no library internals for " + refusal.body())
          .doesNotContain("REDACTED", "StreamReadFeature", "jackson", "Jackson", "Exception", "line: ");
    }
    assertThat(snapshot("new-menu")).isEqualTo(before);
    assertThat(toggles.health()).allSatisfy(h -> assertThat(h.isUp()).isTrue());
  }

  @Test
  void partialAndOverflowingWeightsAreRefusedWithTheRealReason() throws Exception {
    Snapshot before = snapshot("checkout");
    mvc.perform(write("/actuator/toggles/checkout", "{\"weights\": {\"on\": 100}, \"reason\": \"r\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("missing [off]")));
    mvc.perform(write("/actuator/toggles/checkout",
            "{\"weights\": {\"on\": 2147483647, \"off\": 1}, \"reason\": \"r\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("add up to 2147483648")))
        .andExpect(jsonPath("$.error", org.hamcrest.Matchers.not(containsString("more than 0"))));
    mvc.perform(write("/actuator/toggles/checkout", "{\"weights\": {\"on\": 2147483648, \"off\": 1}, \"reason\": \"r\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("weights.on"));
    assertThat(snapshot("checkout")).isEqualTo(before);
  }

  @Test
  void aBadVersionOrAMissingReasonOnDeleteIs400NamingTheField() throws Exception {
    mvc.perform(write("/actuator/toggles/new-menu", "{\"state\": \"DISABLED\", \"reason\": \"r\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isOk());
    Snapshot before = snapshot("new-menu");
    mvc.perform(delete("/actuator/toggles/new-menu").param("reason", "back").param("version", "abc")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("version"))
        .andExpect(jsonPath("$.error", containsString("whole number")));
    mvc.perform(delete("/actuator/toggles/new-menu").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("reason"));
    assertThat(snapshot("new-menu")).isEqualTo(before);
  }

  @Test
  void aReasonWithALineBreakForgesNoLogLine(CapturedOutput output) throws Exception {
    mvc.perform(write("/actuator/toggles/new-menu",
            "{\"state\": \"DISABLED\", \"reason\": \"fine\\n2026-01-01 ERROR forged-by-a-reason\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest());
    assertThat(output.getAll()).doesNotContain("forged-by-a-reason");
  }

  @Test
  void canaryFlagsAreRefusedNamingTheCanariesEndpoint() throws Exception {
    if (toggles.admin().flag("canary.pricing").isEmpty()) {
      CanaryFlagWrites.replaceDefinition(toggles, "canary.pricing", """
          {"state": "ENABLED", "variants": {"baseline": "baseline", "canary": "canary"},
           "defaultVariant": "baseline"}""", ChangeRequest.of("canary-controller", "[canary define] test", 0));
    }
    Snapshot before = snapshot("canary.pricing");
    mvc.perform(write("/actuator/toggles/canary.pricing",
            "{\"weights\": {\"baseline\": 0, \"canary\": 100}, \"reason\": \"r\"}").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("/actuator/canaries/pricing")));
    mvc.perform(write("/actuator/toggles/canary.pricing", "{\"state\": \"DISABLED\", \"reason\": \"r\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest());
    mvc.perform(delete("/actuator/toggles/canary.pricing").param("reason", "r").with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("/actuator/canaries/pricing")));
    assertThat(snapshot("canary.pricing")).isEqualTo(before);
    mvc.perform(get("/actuator/toggles/canary.pricing").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk());
  }

  @Test
  void theRestOfTheApplicationKeepsBootsDefaultSecurity() throws Exception {
    mvc.perform(get("/anything")).andExpect(status().isUnauthorized());
  }

  private record Snapshot(long version, String state, String defaultVariant, int auditEntries) {}

  private Snapshot snapshot(String key) {
    FlagView flag = toggles.admin().flag(key).orElseThrow();
    return new Snapshot(flag.version(), flag.state(), flag.defaultVariant(),
        toggles.admin().history(key, Instant.EPOCH, Instant.now().plusSeconds(60), 1000).size());
  }

  private AuditEntry lastAudit(String key) {
    List<AuditEntry> history = toggles.admin().history(key, Instant.EPOCH, Instant.now().plusSeconds(60), 100);
    assertThat(history).isNotEmpty();
    return history.stream().max(java.util.Comparator.comparingLong(AuditEntry::version)).orElseThrow();
  }

  private static MockHttpServletRequestBuilder write(String path, String body) {
    return post(path).contentType(MediaType.APPLICATION_JSON).content(body);
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
