package dev.progressive.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagView;
import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The console over HTTP without a browser: who gets the page, the headers it comes with, the login form, the
 * session's access to the actuator and the CSRF token that session-authenticated writes need.
 */
@SpringBootTest(classes = ConsoleTestApp.class, properties = {
    "management.endpoints.web.exposure.include=toggles,canaries,parallelruns",
    "progressive.toggles.sources[0].location=console-flags.json",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.console.enabled=true",
    "progressive.console.poll-interval=2s",
    "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
    "progressive.canary.canaries.checkout-v2.steps[1].weight=25",
    "progressive.canary.canaries.checkout-v2.steps[2].weight=50",
    "progressive.canary.canaries.checkout-v2.steps[0].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.steps[1].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.steps[2].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.analysis-interval=1s",
    "progressive.canary.canaries.checkout-v2.auto-start=true"})
@AutoConfigureMockMvc
class ConsoleWebTest {

  private static final String CSRF_COOKIE = "XSRF-TOKEN";
  private static final String CSRF_HEADER = "X-XSRF-TOKEN";

  @Autowired
  MockMvc mvc;

  @Autowired
  Toggles toggles;

  @Test
  void anAnonymousVisitorIsSentToTheLoginFormAndThePagesOwnCallGets401() throws Exception {
    mvc.perform(get("/progressive/"))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", endsWith("/progressive/login")));
    mvc.perform(get("/progressive/me")).andExpect(status().isUnauthorized());
    mvc.perform(get("/progressive/console.js")).andExpect(status().isFound());
  }

  @Test
  void theLoginFormComesWithTheStrictPolicyAndTheCsrfCookie() throws Exception {
    MvcResult login = mvc.perform(get("/progressive/login"))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
        .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY))
        .andReturn();
    assertThat(login.getResponse().getContentAsString()).contains("id=\"login-form\"", "src=\"login.js\"");
    assertThat(login.getResponse().getCookie(CSRF_COOKIE)).isNotNull();
    mvc.perform(get("/progressive/console.css")).andExpect(status().isOk());
    // Its own icon, open before login too: else the browser asks for /favicon.ico, which the application may not have.
    assertThat(login.getResponse().getContentAsString())
        .contains("<link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">");
    mvc.perform(get("/progressive/favicon.svg"))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith("image/svg+xml"));
  }

  @Test
  void anAuthenticatedUserGetsThePageWithNoInlineScriptUnderAStrictPolicy() throws Exception {
    MvcResult page = mvc.perform(get("/progressive/").with(user(ConsoleTestApp.VIEWER).roles("USER")))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
        .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY))
        .andExpect(header().string("X-Content-Type-Options", "nosniff"))
        .andExpect(header().string("Cache-Control", "no-store"))
        .andReturn();
    String html = page.getResponse().getContentAsString();
    assertThat(html).contains("<script type=\"module\" src=\"console.js\"></script>");
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).as("an inline script").isFalse();
    assertThat(html).doesNotContain(" style=", " onclick=", " onload=");
    assertThat(html).as("the status line changes on every read: not a live region")
        .contains("<p id=\"status\" class=\"status\">");
    assertThat(ConsoleHeadersFilter.POLICY).contains("script-src 'self'").doesNotContain("unsafe");

    mvc.perform(get("/progressive").with(user(ConsoleTestApp.VIEWER).roles("USER")))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", "/progressive/"));
    mvc.perform(get("/progressive/console.js").with(user(ConsoleTestApp.VIEWER).roles("USER")))
        .andExpect(status().isOk())
        .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY));
    mvc.perform(get("/progressive/nothing-here.js").with(user(ConsoleTestApp.VIEWER).roles("USER")))
        .andExpect(status().isNotFound());
  }

  @Test
  void meSaysWhoIsLookingWhetherTheyMayChangeAndWhereTheActuatorIs() throws Exception {
    mvc.perform(get("/progressive/me").with(user(ConsoleTestApp.OPS).roles("PROGRESSIVE_ADMIN")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.name").value("ops"))
        .andExpect(jsonPath("$.canWrite").value(true))
        .andExpect(jsonPath("$.actuator").value("/actuator"))
        .andExpect(jsonPath("$.pollMillis").value(2000));
    mvc.perform(get("/progressive/me").with(user(ConsoleTestApp.VIEWER).roles("USER")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.name").value("viewer"))
        .andExpect(jsonPath("$.canWrite").value(false));
  }

  @Test
  void theLoginFormRefusesAPostWithoutTheCsrfTokenAndAWrongPassword() throws Exception {
    mvc.perform(post("/progressive/login").param("username", "ops").param("password", ConsoleTestApp.PASSWORD))
        .andExpect(status().isForbidden());
    Cookie token = mvc.perform(get("/progressive/login")).andReturn().getResponse().getCookie(CSRF_COOKIE);
    mvc.perform(post("/progressive/login").cookie(token).param("_csrf", token.getValue())
            .param("username", "ops").param("password", "wrong"))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", "/progressive/login?error"));
  }

  @Test
  void aSessionFromTheLoginFormReadsTheActuatorAndWritesOnlyWithTheCsrfToken() throws Exception {
    MockHttpSession session = login(ConsoleTestApp.OPS);
    mvc.perform(get("/actuator/toggles").session(session)).andExpect(status().isOk());

    FlagView before = toggles.admin().flag("dark-mode").orElseThrow();
    int auditBefore = audit("dark-mode").size();
    String body = "{\"state\": \"ENABLED\", \"reason\": \"forged\"}";
    mvc.perform(post("/actuator/toggles/dark-mode").session(session)
            .contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isForbidden());
    Cookie token = csrfCookie(session);
    mvc.perform(post("/actuator/toggles/dark-mode").session(session).cookie(token)
            .header(CSRF_HEADER, "not-the-token").contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isForbidden());
    mvc.perform(delete("/actuator/toggles/dark-mode").param("reason", "forged").session(session))
        .andExpect(status().isForbidden());
    mvc.perform(post("/actuator/canaries/checkout-v2").session(session)
            .contentType(MediaType.APPLICATION_JSON).content("{\"action\": \"abort\", \"reason\": \"forged\"}"))
        .andExpect(status().isForbidden());
    FlagView after = toggles.admin().flag("dark-mode").orElseThrow();
    assertThat(after.state()).isEqualTo(before.state());
    assertThat(after.version()).isEqualTo(before.version());
    assertThat(audit("dark-mode")).hasSize(auditBefore);

    mvc.perform(post("/actuator/toggles/dark-mode").session(session).cookie(token)
            .header(CSRF_HEADER, token.getValue()).contentType(MediaType.APPLICATION_JSON)
            .content("{\"state\": \"ENABLED\", \"reason\": \"from the console\", \"version\": " + before.version()
                + "}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("ENABLED"))
        .andExpect(jsonPath("$.history[-1].actor").value("ops"))
        .andExpect(jsonPath("$.history[-1].reason").value("from the console"));
    AuditEntry last = audit("dark-mode").get(audit("dark-mode").size() - 1);
    assertThat(last.actor()).isEqualTo("ops");
    assertThat(last.reason()).isEqualTo("from the console");
  }

  @Test
  void logoutNeedsTheTokenAndEndsTheSession() throws Exception {
    MockHttpSession session = login(ConsoleTestApp.VIEWER);
    Cookie token = csrfCookie(session);
    mvc.perform(post("/progressive/logout").session(session)).andExpect(status().isForbidden());
    mvc.perform(post("/progressive/logout").session(session).cookie(token).param("_csrf", token.getValue()))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", "/progressive/login?logout"));
    assertThat(session.isInvalid()).isTrue();
  }

  @Test
  void aViewersSessionIsRefusedEvenWithTheToken() throws Exception {
    MockHttpSession session = login(ConsoleTestApp.VIEWER);
    Cookie token = csrfCookie(session);
    FlagView before = toggles.admin().flag("search-ranking").orElseThrow();
    mvc.perform(post("/actuator/toggles/search-ranking").session(session).cookie(token)
            .header(CSRF_HEADER, token.getValue()).contentType(MediaType.APPLICATION_JSON)
            .content("{\"defaultVariant\": \"hybrid\", \"reason\": \"forced\"}"))
        .andExpect(status().isForbidden());
    assertThat(toggles.admin().flag("search-ranking").orElseThrow().version()).isEqualTo(before.version());
  }

  @Test
  void httpBasicClientsStillWriteWithoutAToken() throws Exception {
    mvc.perform(post("/actuator/toggles/new-checkout").with(httpBasic(ConsoleTestApp.OPS, ConsoleTestApp.PASSWORD))
            .contentType(MediaType.APPLICATION_JSON).content("{\"weights\": {\"on\": 30, \"off\": 70}, \"reason\": \"r\"}"))
        .andExpect(status().isOk());
    mvc.perform(post("/actuator/toggles/new-checkout").contentType(MediaType.APPLICATION_JSON)
            .content("{\"weights\": {\"on\": 40, \"off\": 60}}"))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void aPageCallAfterTheSessionEndedGets401WithoutABasicChallenge() throws Exception {
    // The page marks its calls with X-Requested-With, as console.js does: no WWW-Authenticate, so no browser prompt.
    mvc.perform(get("/actuator/toggles").header("X-Requested-With", "XMLHttpRequest"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().doesNotExist("WWW-Authenticate"));
    MockHttpSession ended = login(ConsoleTestApp.OPS);
    ended.invalidate();
    mvc.perform(get("/actuator/canaries").header("X-Requested-With", "XMLHttpRequest").session(ended))
        .andExpect(status().isUnauthorized())
        .andExpect(header().doesNotExist("WWW-Authenticate"));
    // Scripts and tools still get the challenge.
    mvc.perform(get("/actuator/toggles"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().exists("WWW-Authenticate"));
  }

  @Test
  void aSessionDoesNotVouchForARequestThatCarriesItsOwnAuthorizationHeader() throws Exception {
    MockHttpSession session = login(ConsoleTestApp.OPS);
    FlagView before = toggles.admin().flag("search-ranking").orElseThrow();
    String body = "{\"defaultVariant\": \"hybrid\", \"reason\": \"no token\"}";
    // Such a request needs no CSRF token, so the session cookie that comes with it must not stand in for the header.
    mvc.perform(post("/actuator/toggles/search-ranking").session(session).header("Authorization", "Bearer anything")
            .contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isUnauthorized());
    mvc.perform(post("/actuator/toggles/search-ranking").session(session)
            .with(httpBasic(ConsoleTestApp.OPS, "not-the-password"))
            .contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/toggles").session(session).header("Authorization", "Bearer anything"))
        .andExpect(status().isUnauthorized());
    FlagView after = toggles.admin().flag("search-ranking").orElseThrow();
    assertThat(after.version()).isEqualTo(before.version());
    assertThat(after.defaultVariant()).isEqualTo(before.defaultVariant());

    // The session alone still reads, and HTTP Basic with the right password still writes.
    mvc.perform(get("/actuator/toggles").session(session)).andExpect(status().isOk());
    mvc.perform(post("/actuator/toggles/search-ranking").session(session)
            .with(httpBasic(ConsoleTestApp.OPS, ConsoleTestApp.PASSWORD))
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"defaultVariant\": \"" + before.defaultVariant() + "\", \"reason\": \"basic\"}"))
        .andExpect(status().isOk());
  }

  @Test
  void theReadsCarryWhatThePageShows() throws Exception {
    mvc.perform(get("/actuator/toggles/" + ConsoleTestApp.HTML_KEY)
            .with(httpBasic(ConsoleTestApp.VIEWER, ConsoleTestApp.PASSWORD)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.key").value(ConsoleTestApp.HTML_KEY))
        .andExpect(jsonPath("$.history[-1].actor").value("release-bot"))
        .andExpect(jsonPath("$.history[-1].reason").value(ConsoleTestApp.HTML_REASON))
        .andExpect(jsonPath("$.history[-1].action").value("set-state"))
        .andExpect(jsonPath("$.history[-1].after", startsWith("{")));
    mvc.perform(get("/actuator/toggles").with(httpBasic(ConsoleTestApp.VIEWER, ConsoleTestApp.PASSWORD)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.flags[0].history").doesNotExist());

    mvc.perform(get("/actuator/canaries/checkout-v2").with(httpBasic(ConsoleTestApp.VIEWER, ConsoleTestApp.PASSWORD)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.steps[1]").value(25.0))
        .andExpect(jsonPath("$.history[*].action", hasItem("start")))
        .andExpect(jsonPath("$.history[-1].action").value("promote"))
        .andExpect(jsonPath("$.history[-1].actor").value("release-bot"))
        .andExpect(jsonPath("$.history[-1].reason").value("error budget fine after the first hour"))
        .andExpect(jsonPath("$.history[-1].state").value("PROGRESSING"))
        .andExpect(jsonPath("$.history[-1].weight").value(25.0));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        mvc.perform(get("/actuator/canaries/checkout-v2")
                .with(httpBasic(ConsoleTestApp.VIEWER, ConsoleTestApp.PASSWORD)))
            .andExpect(jsonPath("$.latestVerdict.result").value("INCONCLUSIVE"))
            .andExpect(jsonPath("$.latestVerdict.action").value("hold"))
            .andExpect(jsonPath("$.latestVerdict.step").value(1))
            .andExpect(jsonPath("$.latestVerdict.summary").isNotEmpty())
            .andExpect(jsonPath("$.latestVerdict.metrics[0].metric").isNotEmpty())
            .andExpect(jsonPath("$.latestVerdict.metrics[0].reason").isNotEmpty()));

    mvc.perform(get("/actuator/parallelruns/" + ConsoleTestApp.EXPERIMENT)
            .with(httpBasic(ConsoleTestApp.VIEWER, ConsoleTestApp.PASSWORD)))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.comparisons.mismatch").value(10))
        .andExpect(jsonPath("$.comparisons.match").value(20))
        .andExpect(jsonPath("$.recentMismatches[0].differences", hasItem(startsWith("items[2].price"))));
  }

  private MockHttpSession login(String user) throws Exception {
    Cookie token = mvc.perform(get("/progressive/login")).andReturn().getResponse().getCookie(CSRF_COOKIE);
    MvcResult result = mvc.perform(post("/progressive/login").cookie(token).param("_csrf", token.getValue())
            .param("username", user).param("password", ConsoleTestApp.PASSWORD))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", "/progressive/"))
        .andReturn();
    return (MockHttpSession) result.getRequest().getSession(false);
  }

  /** The token cookie that the page reads, as the page gets it: served with the page. */
  private Cookie csrfCookie(MockHttpSession session) throws Exception {
    Cookie cookie = mvc.perform(get("/progressive/").session(session)).andExpect(status().isOk()).andReturn()
        .getResponse().getCookie(CSRF_COOKIE);
    assertThat(cookie).as("the page sets the CSRF cookie").isNotNull();
    return cookie;
  }

  private List<AuditEntry> audit(String key) {
    return toggles.admin().history(key, Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
  }
}
