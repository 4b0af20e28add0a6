package dev.progressive.spring.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.Stage;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The releases endpoint over HTTP with Spring Security: reads, every action, and each refusal (400, 403, 404, 409,
 * 503) with nothing written. Each test acts on a plan of its own (releases-web-test.properties).
 */
@SpringBootTest(classes = ReleasesEndpointWebTest.App.class, properties = {
    "management.endpoints.web.exposure.include=releases,toggles",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.parallel-run.enabled=false"})
@TestPropertySource(locations = "classpath:releases-web-test.properties")
@AutoConfigureMockMvc
class ReleasesEndpointWebTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  ReleaseRegistry registry;

  @Autowired
  Toggles toggles;

  @Autowired
  OutageFlagStore store;

  @SpringBootApplication
  static class App {
    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("admin").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("ops2").password("{noop}secret").roles("PROGRESSIVE_ADMIN").build(),
          User.withUsername("viewer").password("{noop}secret").roles("USER").build());
    }

    @Bean
    OutageFlagStore flagStore() {
      return new OutageFlagStore();
    }
  }

  @Test
  void readsNeedAUserAndListEveryPlan() throws Exception {
    mvc.perform(get("/actuator/releases")).andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/releases").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.releases[*].name", hasItems("flow", "forced", "paused", "stale", "race", "outage")))
        .andExpect(jsonPath("$.releases[?(@.name == 'bodies')].state").value("RUNNING"))
        .andExpect(jsonPath("$.releases[?(@.name == 'bodies')].stage").value("dark"))
        .andExpect(jsonPath("$.releases[?(@.name == 'bodies')].canary").value("bodies-canary"));
  }

  @Test
  void oneActionAfterAnotherFromDarkThroughApprovalToTheCanaryWithTheActorAndReasonInTheHistory() throws Exception {
    mvc.perform(get("/actuator/releases/flow").with(httpBasic("viewer", "secret")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status.stage").value("dark"))
        .andExpect(jsonPath("$.stages[*].name", hasItems("dark", "approval", "canary", "retire")))
        .andExpect(jsonPath("$.stages[0].current").value(true))
        .andExpect(jsonPath("$.stages[0].manualGate").value(true))
        .andExpect(jsonPath("$.stages[3].quietPeriod").value("PT24H"))
        .andExpect(jsonPath("$.stages[3].removeFlags").value(false))
        .andExpect(jsonPath("$.stages[0].removeFlags").doesNotExist())
        .andExpect(jsonPath("$.stages[0].comparisons").doesNotExist())
        .andExpect(jsonPath("$.gate.result").value("WAIT"))
        .andExpect(jsonPath("$.gate.evidence", containsString("explicit calls")))
        .andExpect(jsonPath("$.history[-1:].action").value("start"))
        .andExpect(jsonPath("$.history[-1:].actor").value(ReleaseAutoStarter.ACTOR));

    act("flow", "{\"action\": \"advance\", \"reason\": \"testers are happy\"}", "admin")
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status.stage").value("approval"));
    act("flow", "{\"action\": \"approve\", \"reason\": \"change board agreed\"}", "ops2")
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status.stage").value("canary"))
        .andExpect(jsonPath("$.status.evidence").value("approved by ops2: change board agreed"))
        .andExpect(jsonPath("$.history[-1:].action").value("approve"))
        .andExpect(jsonPath("$.history[-1:].actor").value("ops2"));

    ReleasePlan plan = registry.find("flow").orElseThrow();
    assertThat(plan.canary().state()).isEqualTo(CanaryState.PROGRESSING);
    List<AuditEntry> audit = audit("flow");
    assertThat(audit.get(audit.size() - 2).actor()).isEqualTo("admin");
    assertThat(audit.get(audit.size() - 2).reason()).contains("[release advance]").contains("testers are happy");
  }

  @Test
  void anActionThatDoesNotFitTheStageIs409NamingItAndWritesNothing() throws Exception {
    long version = version("paused");
    act("paused", "{\"action\": \"approve\", \"reason\": \"ok\"}", "admin")
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.stage").value("dark"))
        .andExpect(jsonPath("$.state").value("RUNNING"))
        .andExpect(jsonPath("$.error", containsString("cannot approve at stage 'dark'")))
        .andExpect(jsonPath("$.error", containsString("no approval is pending")));
    act("paused", "{\"action\": \"resume\", \"reason\": \"ok\"}", "admin")
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.error", containsString("only a paused plan can be resumed")));
    assertThat(version("paused")).isEqualTo(version);

    act("paused", "{\"action\": \"pause\", \"reason\": \"incident 12\"}", "admin")
        .andExpect(status().isOk()).andExpect(jsonPath("$.status.state").value("PAUSED"));
    act("paused", "{\"action\": \"advance\", \"reason\": \"go\"}", "admin")
        .andExpect(status().isConflict()).andExpect(jsonPath("$.state").value("PAUSED"));
    act("paused", "{\"action\": \"resume\", \"reason\": \"incident over\"}", "admin")
        .andExpect(status().isOk()).andExpect(jsonPath("$.status.state").value("RUNNING"));
    act("paused", "{\"action\": \"abort\", \"reason\": \"not this week\"}", "admin")
        .andExpect(status().isOk()).andExpect(jsonPath("$.status.state").value("ROLLED_BACK"));
    act("paused", "{\"action\": \"abort\", \"reason\": \"again\"}", "admin")
        .andExpect(status().isConflict()).andExpect(jsonPath("$.state").value("ROLLED_BACK"));
  }

  @Test
  void advancePastAGateThatHasNotPassedNeedsForceAndIsAuditedAsForced() throws Exception {
    long version = version("forced");
    act("forced", "{\"action\": \"advance\", \"reason\": \"hurry\"}", "admin")
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.stage").value("dark"))
        .andExpect(jsonPath("$.error", containsString("has not passed")));
    assertThat(version("forced")).isEqualTo(version);

    act("forced", "{\"action\": \"advance\", \"reason\": \"hotfix, testers checked by hand\", \"force\": true}",
        "admin")
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status.stage").value("canary"))
        .andExpect(jsonPath("$.history[-1:].action").value("force_advance"))
        .andExpect(jsonPath("$.status.evidence", containsString("forced by admin")));
  }

  @Test
  void badBodiesAre400NamingTheFieldAndWriteNothing() throws Exception {
    long version = version("bodies");
    act("bodies", "{\"action\": \"abort\", \"reason\": \"x\", \"forse\": true}", "admin")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("forse"))
        .andExpect(jsonPath("$.name").value("bodies"))
        .andExpect(jsonPath("$.error", containsString("Unknown field \"forse\"")));
    act("bodies", "{\"action\": \"advance\", \"reason\": \"x\", \"force\": \"yes\"}", "admin")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("force"))
        .andExpect(jsonPath("$.error", containsString("\"force\" must be true or false")));
    act("bodies", "{\"action\": 3, \"reason\": \"x\"}", "admin")
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("action"));
    act("bodies", "{\"action\": \"abort\"}", "admin")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("reason"))
        .andExpect(jsonPath("$.error", containsString("\"reason\" is required")));
    act("bodies", "{\"action\": \"abort\", \"reason\": \"  \"}", "admin")
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("reason"));
    act("bodies", "{\"action\": \"promote\", \"reason\": \"x\"}", "admin")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("action"))
        .andExpect(jsonPath("$.error", containsString("approve, advance, pause, resume or abort")));
    act("bodies", "{\"action\": \"abort\", \"reason\": \"x\", \"force\": true}", "admin")
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("force"));
    act("bodies", "{\"action\": \"abort\", \"reason\": \"line\\nbreak\"}", "admin")
        .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("reason"));
    act("bodies", "not json", "admin").andExpect(status().isBadRequest());
    assertThat(version("bodies")).isEqualTo(version);
    assertThat(registry.find("bodies").orElseThrow().status().state()).isEqualTo(ReleaseState.RUNNING);
  }

  @Test
  void aViewerIsRefused403AndAnUnknownPlanIs404() throws Exception {
    long version = version("bodies");
    act("bodies", "{\"action\": \"abort\", \"reason\": \"x\"}", "viewer").andExpect(status().isForbidden());
    mvc.perform(write("/actuator/releases/bodies", "{\"action\": \"abort\", \"reason\": \"x\"}"))
        .andExpect(status().isUnauthorized());
    assertThat(version("bodies")).isEqualTo(version);
    mvc.perform(get("/actuator/releases/nope").with(httpBasic("viewer", "secret")))
        .andExpect(status().isNotFound()).andExpect(jsonPath("$.error").value("No release plan 'nope'"));
    act("nope", "{\"action\": \"abort\", \"reason\": \"x\"}", "admin").andExpect(status().isNotFound());
  }

  @Test
  void anActionThatLostToAnotherInstancesChangeIs409WithTheCurrentStateAndWritesNothing() throws Exception {
    ReleasePlan here = registry.find("stale").orElseThrow();
    Canary hereCanary = here.canary();
    try (Toggles otherToggles = Toggles.builder().store(store).build();
        Canary otherCanary = Canary.builder(hereCanary.release(), otherToggles).build();
        ReleasePlan other = ReleasePlan.builder("stale", otherToggles, otherCanary)
            .stage(Stage.dark()).stage(Stage.approval()).stage(Stage.canary()).build()) {
      other.advance("bob", "advanced on the other instance", false);
      assertThat(here.status().stage()).as("this instance has not heard of it yet").isEqualTo("dark");
      List<AuditEntry> before = audit("stale");

      act("stale", "{\"action\": \"advance\", \"reason\": \"me too\"}", "admin")
          .andExpect(status().isConflict())
          .andExpect(jsonPath("$.error", containsString("lost to a change made meanwhile")))
          .andExpect(jsonPath("$.current.state").exists())
          .andExpect(jsonPath("$.storeVersion").value((int) other.status().version()));

      assertThat(audit("stale")).isEqualTo(before);
      assertThat(audit("stale")).noneMatch(e -> e.actor().equals("admin"));
    }
  }

  @Test
  void twoOperatorsApprovingAtOnceOneWinsAndTheOtherGets409() throws Exception {
    act("race", "{\"action\": \"advance\", \"reason\": \"to approval\"}", "admin").andExpect(status().isOk());
    int before = audit("race").size();
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Integer>> operators = List.of(
          () -> {
            together.await(10, TimeUnit.SECONDS);
            return act("race", "{\"action\": \"approve\", \"reason\": \"ship it\"}", "admin")
                .andReturn().getResponse().getStatus();
          },
          () -> {
            together.await(10, TimeUnit.SECONDS);
            return act("race", "{\"action\": \"approve\", \"reason\": \"ship it too\"}", "ops2")
                .andReturn().getResponse().getStatus();
          });
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(operators)) {
        statuses.add(f.get());
      }
      assertThat(statuses).containsExactlyInAnyOrder(200, 409);
      List<AuditEntry> after = audit("race");
      assertThat(after).hasSize(before + 1);
      assertThat(after.get(after.size() - 1).reason()).startsWith("[release approve] 'approval' -> 'canary'");
      assertThat(registry.find("race").orElseThrow().status().stage()).isEqualTo("canary");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void whileTheStoreIsUnreachableAnActionIs503AndWritesNothing() throws Exception {
    ReleasePlan plan = registry.find("outage").orElseThrow();
    long version = version("outage");
    store.down.set(true);
    try {
      act("outage", "{\"action\": \"abort\", \"reason\": \"roll back\"}", "admin")
          .andExpect(status().isServiceUnavailable())
          .andExpect(jsonPath("$.error", containsString("nothing changed")))
          .andExpect(jsonPath("$.name").value("outage"));
      mvc.perform(get("/actuator/releases/outage").with(httpBasic("viewer", "secret")))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.historyStale").value(true))
          .andExpect(jsonPath("$.status.state").value("RUNNING"));
    } finally {
      store.down.set(false);
    }
    assertThat(version("outage")).isEqualTo(version);
    assertThat(plan.status().state()).isEqualTo(ReleaseState.RUNNING);
  }

  @Test
  void theTogglesEndpointRefusesAReleaseFlagNamingTheReleasesEndpoint() throws Exception {
    long version = version("bodies");
    mvc.perform(write("/actuator/toggles/release.bodies", "{\"state\": \"DISABLED\", \"reason\": \"r\"}")
            .with(httpBasic("admin", "secret")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error", containsString("POST /actuator/releases/bodies")));
    assertThat(version("bodies")).isEqualTo(version);
  }

  private org.springframework.test.web.servlet.ResultActions act(String plan, String body, String user)
      throws Exception {
    return mvc.perform(write("/actuator/releases/" + plan, body).with(httpBasic(user, "secret")));
  }

  private static MockHttpServletRequestBuilder write(String path, String body) {
    return post(path).contentType(MediaType.APPLICATION_JSON).content(body);
  }

  private long version(String plan) {
    return toggles.admin().flag("release." + plan).orElseThrow().version();
  }

  private List<AuditEntry> audit(String plan) {
    return store.delegate.history("release." + plan, Instant.EPOCH, Instant.MAX, 1000);
  }

}
