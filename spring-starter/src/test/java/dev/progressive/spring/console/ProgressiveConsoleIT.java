package dev.progressive.spring.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowReport;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.spring.release.ReleaseRegistry;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagView;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real browser: Debian's headless Chromium, driven by Selenium through Debian's chromedriver, against
 * the application on a random port. Without them the class is skipped with a message that says what to install.
 * Screenshots of the three sections, and of the whole page, land in {@code target/console-screenshots/}.
 */
@EnabledIf(value = "dev.progressive.spring.console.Browser#available", disabledReason = Browser.MISSING)
@SpringBootTest(classes = ConsoleTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "management.endpoints.web.exposure.include=health,toggles,canaries,parallelruns,releases",
        "progressive.toggles.sources[0].location=console-flags.json",
        "progressive.toggles.open-feature.enabled=false",
        "progressive.console.enabled=true",
        "progressive.console.poll-interval=1s",
        "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
        "progressive.canary.canaries.checkout-v2.steps[1].weight=25",
        "progressive.canary.canaries.checkout-v2.steps[2].weight=50",
        "progressive.canary.canaries.checkout-v2.steps[0].min-duration=1h",
        "progressive.canary.canaries.checkout-v2.steps[1].min-duration=1h",
        "progressive.canary.canaries.checkout-v2.steps[2].min-duration=1h",
        "progressive.canary.canaries.checkout-v2.analysis-interval=1s",
        "progressive.canary.canaries.checkout-v2.auto-start=true",
        "progressive.canary.canaries.search-v3.steps[0].weight=10",
        "progressive.canary.canaries.search-v3.steps[1].weight=50",
        "progressive.canary.canaries.search-v3.auto-start=true",
        // Two release plans, each on a canary of its own: one to approve, one to abort.
        "progressive.canary.canaries.pricing-canary.steps[0].weight=50",
        "progressive.canary.canaries.pricing-canary.steps[0].min-duration=1h",
        "progressive.releases." + ProgressiveConsoleIT.APPROVED_PLAN + ".canary=pricing-canary",
        "progressive.releases." + ProgressiveConsoleIT.APPROVED_PLAN + ".auto-start=true",
        "progressive.releases." + ProgressiveConsoleIT.APPROVED_PLAN + ".stages[0].kind=dark",
        "progressive.releases." + ProgressiveConsoleIT.APPROVED_PLAN + ".stages[1].kind=approval",
        "progressive.releases." + ProgressiveConsoleIT.APPROVED_PLAN + ".stages[2].kind=canary",
        "progressive.canary.canaries.search-canary.steps[0].weight=50",
        "progressive.releases." + ProgressiveConsoleIT.ABORTED_PLAN + ".canary=search-canary",
        "progressive.releases." + ProgressiveConsoleIT.ABORTED_PLAN + ".auto-start=true",
        "progressive.releases." + ProgressiveConsoleIT.ABORTED_PLAN + ".stages[0].kind=dark",
        "progressive.releases." + ProgressiveConsoleIT.ABORTED_PLAN + ".stages[1].kind=approval",
        "progressive.releases." + ProgressiveConsoleIT.ABORTED_PLAN + ".stages[2].kind=canary",
        // Generous: neither the shadow's nor the candidates' timeout is what these tests check (issue 14, part 7).
        "progressive.parallel-run.timeout=60s",
        "progressive.parallel-run.shadow.timeout=60s",
        "progressive.parallel-run.shadow.routes[0].name=get-order",
        "progressive.parallel-run.shadow.routes[0].path=/orders/*"})
class ProgressiveConsoleIT {

  /** The release plan that the page advances and approves. */
  static final String APPROVED_PLAN = "pricing-v2";
  /** The release plan that the page aborts, with a reason that is markup. */
  static final String ABORTED_PLAN = "search-v4";

  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WireMockServer candidate;
  private static WireMockServer secondary;

  @LocalServerPort
  int port;

  @Autowired
  Toggles toggles;

  @Autowired
  CanaryRegistry canaries;

  @Autowired
  HttpShadow shadow;

  @Autowired
  ReleaseRegistry releases;

  @Autowired
  Experiment<Integer, Map<String, Object>, Map<String, Object>> pricing;

  private WebDriver driver;

  /** The new version of the orders service (a different total) and a second copy of the current one. */
  @DynamicPropertySource
  static void shadowTargets(DynamicPropertyRegistry registry) {
    candidate = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    candidate.start();
    candidate.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\": \"1\", \"total\": 11, \"requestId\": \"candidate-request\"}")));
    secondary = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    secondary.start();
    secondary.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\": \"1\", \"total\": 10, \"requestId\": \"secondary-request\"}")));
    registry.add("progressive.parallel-run.shadow.candidate", () -> "http://127.0.0.1:" + candidate.port());
    registry.add("progressive.parallel-run.shadow.secondary", () -> "http://127.0.0.1:" + secondary.port());
  }

  @AfterAll
  static void stopShadowTargets() {
    Stream.of(candidate, secondary).filter(s -> s != null && s.isRunning()).forEach(WireMockServer::stop);
  }

  @BeforeEach
  void startBrowser() throws IOException {
    driver = Browser.start();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void opsTogglesAFlagWithAReasonFromTheKeyboardAndTheAuditHoldsIt() throws Exception {
    login(ConsoleTestApp.OPS);
    assertThat(text(By.id("user-role"))).isEqualTo("can change");

    driver.findElement(By.id("flag-search")).sendKeys("dark");
    eventually().until(() -> driver.findElements(By.cssSelector("#flag-rows tr")).size() == 1);
    openFlag("dark-mode");
    WebElement toggle = waitFor(By.id("flag-state-switch"));
    eventually().until(() -> !text(By.id("flag-detail-summary")).isEmpty());
    assertThat(toggle.isSelected()).isFalse();
    assertThat(toggle.isEnabled()).isTrue();

    String reason = "beta cohort asked for dark mode (ticket OPS-17)";
    driver.findElement(By.id("flag-reason")).sendKeys(reason);
    toggle.sendKeys(Keys.SPACE);
    eventually().until(() -> text(By.id("flag-message")).startsWith("Done: enabled dark-mode"));

    JsonNode flag = actuator("/actuator/toggles/dark-mode");
    assertThat(flag.path("state").asText()).isEqualTo("ENABLED");
    JsonNode last = flag.path("history").get(flag.path("history").size() - 1);
    assertThat(last.path("actor").asText()).isEqualTo("ops");
    assertThat(last.path("reason").asText()).isEqualTo(reason);
    assertThat(last.path("action").asText()).isEqualTo("set-state");

    eventually().until(() -> driver.findElements(By.cssSelector("#flag-history-rows td.reason")).stream()
        .anyMatch(td -> td.getText().equals(reason)));
    assertThat(text(By.id("flag-history-rows"))).contains("state: \"DISABLED\" → \"ENABLED\"");
    screenshot(driver.findElement(By.id("flags")), "flags.png");

    // The override goes, with its own reason: the source's DISABLED serves again.
    driver.findElement(By.id("flag-reason")).sendKeys("beta is over");
    driver.findElement(By.id("flag-override-remove")).click();
    eventually().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    assertThat(text(By.id("confirm-body"))).contains("Overridden now: state").contains("beta is over");
    driver.findElement(By.id("confirm-ok")).click();
    eventually().until(() -> text(By.id("flag-message")).startsWith("Done: the override of dark-mode is removed"));
    assertThat(toggles.admin().flag("dark-mode").orElseThrow().state()).isEqualTo("DISABLED");
    JsonNode removed = actuator("/actuator/toggles/dark-mode").path("history");
    assertThat(removed.get(removed.size() - 1).path("action").asText()).isEqualTo("remove-override");
    assertThat(removed.get(removed.size() - 1).path("reason").asText()).isEqualTo("beta is over");
    eventually().until(() -> !driver.findElement(By.id("flag-state-switch")).isSelected());
    assertThat(Browser.errors(driver)).as("script errors, policy violations or failed loads, login page included")
        .isEmpty();
  }

  @Test
  void aViewerSeesNoEnabledChangeControlAndAForcedRequestIsRefused() throws Exception {
    login(ConsoleTestApp.VIEWER);
    assertThat(text(By.id("user-role"))).isEqualTo("read only");
    openFlag("new-checkout");
    eventually().until(() -> !text(By.id("flag-detail-summary")).isEmpty()
        && !driver.findElements(By.cssSelector("#flag-weight-inputs input")).isEmpty());
    eventually().until(() -> !driver.findElements(By.cssSelector("button[data-action]")).isEmpty());

    // Read in one go: the page may rebuild parts of itself between two WebDriver calls.
    @SuppressWarnings("unchecked")
    Map<String, Object> controls = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(
        "const all = [...document.querySelectorAll('#flag-detail input, #flag-detail select, #flag-detail button,"
            + " .canary input, .canary button')];"
            + "return {count: all.length, enabled: all.filter(c => !c.disabled).map(c => c.tagName + '#' + c.id)};");
    assertThat((Long) controls.get("count")).isGreaterThan(10L);
    assertThat((List<?>) controls.get("enabled")).as("enabled change controls").isEmpty();
    assertThat(text(By.id("flag-detail"))).contains("You can look but not change");

    FlagView before = toggles.admin().flag("new-checkout").orElseThrow();
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).split('=')[1];"
            + "fetch('/actuator/toggles/new-checkout', {method: 'POST', headers: {'Content-Type': 'application/json',"
            + " 'X-XSRF-TOKEN': token}, body: JSON.stringify({state: 'DISABLED', reason: 'forced'})})"
            + ".then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(403L);

    // The switch forced on in the page: the server still refuses, and the page says so.
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript("document.getElementById('flag-reason').disabled = false;"
        + "document.getElementById('flag-state-switch').disabled = false;");
    driver.findElement(By.id("flag-reason")).sendKeys("forced through the page");
    driver.findElement(By.id("flag-state-switch")).click();
    eventually().until(() -> text(By.id("flag-message")).startsWith("Refused"));

    FlagView after = toggles.admin().flag("new-checkout").orElseThrow();
    assertThat(after.state()).isEqualTo(before.state());
    assertThat(after.version()).isEqualTo(before.version());
  }

  @Test
  void markupInAKeyOrAReasonIsShownAsTextAndNeverRuns() throws Exception {
    login(ConsoleTestApp.OPS);
    assertThat(flagButton(ConsoleTestApp.HTML_KEY).getText()).isEqualTo(ConsoleTestApp.HTML_KEY);
    openFlag(ConsoleTestApp.HTML_KEY);
    eventually().until(() -> driver.findElements(By.cssSelector("#flag-history-rows td.reason")).stream()
        .anyMatch(td -> td.getText().equals(ConsoleTestApp.HTML_REASON)));
    assertThat(text(By.id("flag-detail-title"))).isEqualTo("Flag " + ConsoleTestApp.HTML_KEY);
    assertThat(driver.findElements(By.cssSelector("#flag-variant option")))
        .extracting(WebElement::getText).contains("<b>on</b>");

    String typed = "<img src=x onerror=\"window.__xss='typed'\"><script>window.__xss='typed'</script>";
    driver.findElement(By.id("flag-reason")).sendKeys(typed);
    driver.findElement(By.id("flag-state-switch")).click();
    eventually().until(() -> text(By.id("flag-message")).startsWith("Done"));
    eventually().until(() -> driver.findElements(By.cssSelector("#flag-history-rows td.reason")).stream()
        .anyMatch(td -> td.getText().equals(typed)));
    assertThat(actuator("/actuator/toggles/" + encode(ConsoleTestApp.HTML_KEY)).path("history")).last()
        .satisfies(entry -> assertThat(entry.path("reason").asText()).isEqualTo(typed));

    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return typeof window.__xss")).as("a payload ran").isEqualTo("undefined");
    assertThat(js.executeScript("return document.querySelectorAll('img, b, script:not([src])').length"))
        .as("markup became elements").isEqualTo(0L);
  }

  @Test
  void aCanaryAbortFromThePageReachesRolledBack() throws Exception {
    login(ConsoleTestApp.OPS);
    WebElement state = waitFor(By.id("canary-search-v3-state"));
    eventually().until(() -> state.getText().equals("PROGRESSING"));
    eventually().until(() -> driver.findElements(By.cssSelector("#canary-checkout-v2-chart svg")).size() == 1);
    eventually().until(() -> text(By.id("canary-checkout-v2-verdict")).contains("Latest verdict"));

    WebElement abort = driver.findElement(By.id("canary-search-v3-abort"));
    abort.click();
    assertThat(text(By.id("canary-search-v3-message"))).contains("Give a reason first");
    assertThat(canary("search-v3").state()).isEqualTo(CanaryState.PROGRESSING);

    String reason = "p99 alarms on search after the v3 rollout";
    driver.findElement(By.id("canary-search-v3-reason")).sendKeys(reason);
    abort.click();
    WebElement dialog = waitFor(By.id("confirm"));
    eventually().until(dialog::isDisplayed);
    assertThat(text(By.id("confirm-body"))).contains("ROLLED_BACK").contains(reason);
    // From the keyboard: the dialog opens on Cancel; Tab moves to the confirmation, Enter confirms.
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
    driver.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-ok");
    driver.switchTo().activeElement().sendKeys(Keys.ENTER);

    eventually().until(() -> state.getText().equals("ROLLED_BACK"));
    Canary canary = canary("search-v3");
    assertThat(canary.state()).isEqualTo(CanaryState.ROLLED_BACK);
    assertThat(canary.weight()).isZero();
    List<AuditEntry> audit = canary.history(Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
    assertThat(audit.get(audit.size() - 1).actor()).isEqualTo("ops");
    assertThat(audit.get(audit.size() - 1).reason()).isEqualTo("[canary abort] " + reason);
    assertThat(driver.findElement(By.id("canary-search-v3-abort")).isEnabled()).isFalse();
    screenshot(driver.findElement(By.id("canaries")), "canaries.png");
  }

  @Test
  void parallelRunsShowCountsMatchRateDiffsAndTheShadowReportWithItsNoise() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(base("/orders/1"))
          .header("Authorization", basic(ConsoleTestApp.VIEWER)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
    eventually().until(() -> shadow.report().endpoint("get-order").map(ShadowReport.Endpoint::compared)
        .orElse(0L) >= 12);

    login(ConsoleTestApp.OPS);
    WebElement experiment = waitFor(By.id("experiment-pricing"));
    eventually().until(() -> !experiment.findElements(By.cssSelector("details.mismatch")).isEmpty());
    assertThat(text(By.id("experiment-pricing-meta"))).contains("Match rate:");
    for (int cart = 31; cart <= 60; cart++) {
      pricing.run(cart);
    }
    eventually().until(() -> experiment.findElements(By.cssSelector(".rate-chart circle")).size() >= 2);
    eventually().untilAsserted(() -> {
      WebElement first = experiment.findElement(By.cssSelector("details.mismatch"));
      if (first.getAttribute("open") == null) {
        first.findElement(By.tagName("summary")).click();
      }
      assertThat(first.getText()).contains("items[2].price").contains("currency");
    });

    WebElement routes = waitFor(By.id("shadow-routes"));
    eventually().until(() -> !routes.findElements(By.cssSelector("tr.noise")).isEmpty());
    assertThat(routes.findElements(By.cssSelector("tr.real"))).extracting(WebElement::getText)
        .anySatisfy(row -> assertThat(row).startsWith("body.total").contains("real"));
    assertThat(routes.findElements(By.cssSelector("tr.noise"))).extracting(WebElement::getText)
        .anySatisfy(row -> assertThat(row).startsWith("body.requestId").contains("noise"));
    JsonNode report = actuator("/actuator/parallelruns");
    assertThat(report.path("shadowRoutes").get(0).path("fields").findValuesAsText("path"))
        .contains("body.total", "body.requestId");
    screenshot(driver.findElement(By.id("parallelruns")), "parallel-runs.png");

    // The whole page, with a flag open, for the README.
    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    openFlag("new-checkout");
    eventually().until(() -> !driver.findElements(By.cssSelector("#flag-weight-inputs input")).isEmpty());
    fullPage("console.png");
    assertThat(Browser.errors(driver)).as("script errors, policy violations or failed loads").isEmpty();
  }

  @Test
  void aPollLeavesTheVariantSelectAloneWhileNothingChanged() throws Exception {
    login(ConsoleTestApp.OPS);
    openFlag("search-ranking");
    eventually().until(() -> driver.findElements(By.cssSelector("#flag-variant option")).size() == 3);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings();"
        + "document.querySelector('#flag-variant option').dataset.seen = 'before'");
    // First that polls happened: three reads of this flag by the page since the mark (1 s apart), each of which
    // rendered the panel again. Without them, the select would be left alone by a page that polls nothing.
    String reads = "return performance.getEntriesByType('resource')"
        + ".filter(e => e.name.endsWith('/actuator/toggles/search-ranking')).length";
    eventually().until(() -> (Long) js.executeScript(reads) >= 3);
    long polls = Long.parseLong((String) js.executeScript("return document.body.dataset.polls"));
    eventually().until(() -> Long.parseLong((String) js.executeScript("return document.body.dataset.polls"))
        >= polls + 1);
    // The same option elements after those polls: a rebuilt list would lose what the user was looking at.
    assertThat(js.executeScript("return document.querySelector('#flag-variant option').dataset.seen"))
        .isEqualTo("before");
    assertThat(js.executeScript("return document.getElementById('flag-variant').value")).isEqualTo("classic");
  }

  @Test
  void aVerdictIsShownInTheJudgesOwnWordsWithNoConfidenceLevelOfThePagesOwn() throws Exception {
    login(ConsoleTestApp.OPS);
    eventually().until(() -> text(By.id("canary-checkout-v2-verdict")).contains("Latest verdict"));
    // Each metric's words as the endpoint gives them (the verdict the page shows may be a look older or newer).
    eventually().until(() -> {
      JsonNode verdict = actuator("/actuator/canaries/checkout-v2").get("latestVerdict");
      String shown = text(By.id("canary-checkout-v2-verdict"));
      boolean every = verdict.get("metrics").size() > 0;
      for (JsonNode metric : verdict.get("metrics")) {
        every &= shown.contains(metric.get("metric").asText() + " " + metric.get("result").asText() + ": "
            + metric.get("reason").asText());
      }
      return every && shown.contains(verdict.get("summary").asText());
    });
    assertThat(text(By.id("canary-checkout-v2-verdict")))
        .doesNotContain("95%")
        .contains("always-valid confidence interval", "pass margin", "allowed change");
  }

  @Test
  void whenTheSessionEndsThePageGoesToItsLoginFormInsteadOfHanging() throws Exception {
    login(ConsoleTestApp.OPS);
    // The session ends (expired, or logged out in another tab): the next read gets 401 without a Basic challenge,
    // which would have made the browser hold the call open for a password prompt of its own.
    driver.manage().deleteCookieNamed("JSESSIONID");
    waiting().until(ExpectedConditions.urlContains("/progressive/login"));
    waitFor(By.id("login-form"));
  }

  @Test
  void aTabInTheBackgroundReadsNothingUntilItIsShownAgain() {
    login(ConsoleTestApp.OPS);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    // Every timer the page sets from now on is tracked until it fires: the test's own view of what is scheduled,
    // beside what the poller says of itself.
    js.executeScript("window.pendingTimers = new Set(); const setTimer = window.setTimeout.bind(window);"
        + "window.setTimeout = (fn, ms, ...args) => { const id = setTimer(() => { window.pendingTimers.delete(id);"
        + " fn(...args); }, ms); window.pendingTimers.add(id); return id; };");
    String state = "return document.body.dataset.pollState";
    js.executeScript("Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        + "document.dispatchEvent(new Event('visibilitychange'))");
    // The read under way ends, and the next one, due within the poll interval, sees the tab hidden and stops there.
    eventually().until(() -> "paused".equals(js.executeScript(state)));
    assertThat((Long) js.executeScript("return window.pendingTimers.size")).as("timers pending in a hidden tab")
        .isZero();
    assertThat(text(By.id("status"))).startsWith("Paused while the tab is in the background");
    long polls = Long.parseLong((String) js.executeScript("return document.body.dataset.polls"));
    js.executeScript("performance.clearResourceTimings()");

    Object stateRightAfterShown = js.executeScript(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
            + "document.dispatchEvent(new Event('visibilitychange')); return document.body.dataset.pollState");
    assertThat(stateRightAfterShown).as("the read starts on the event itself, not on a timer").isEqualTo("reading");
    String reads = "return performance.getEntriesByType('resource')"
        + ".filter(e => e.name.includes('/actuator/')).length";
    eventually().until(() -> "scheduled".equals(js.executeScript(state))
        && Long.parseLong((String) js.executeScript("return document.body.dataset.polls")) == polls + 1
        && (Long) js.executeScript(reads) > 0);
    assertThat(text(By.id("status"))).startsWith("Updated at");
  }

  @Test
  void onANarrowScreenThePageHasNoSidewaysScrollAndStaysOperable() throws Exception {
    driver.manage().window().setSize(new Dimension(390, 844));
    login(ConsoleTestApp.OPS);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat((Long) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth"))
        .isLessThanOrEqualTo(0L);
    openFlag("search-ranking");
    WebElement variant = waitFor(By.id("flag-variant"));
    eventually().until(() -> variant.findElements(By.tagName("option")).size() == 3);
    assertThat((Long) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth"))
        .isLessThanOrEqualTo(0L);
    List<WebElement> unlabeled = driver.findElements(By.cssSelector("input:not([type=hidden]), select"))
        .stream().filter(c -> driver.findElements(By.cssSelector("label[for='" + c.getAttribute("id") + "']"))
            .isEmpty())
        .toList();
    assertThat(unlabeled).as("controls without a label").isEmpty();
    screenshot(null, "narrow.png");
  }

  @Test
  void aReleasePlanIsAdvancedAndApprovedFromThePageAndItsHistoryShowsTheReasons() throws Exception {
    login(ConsoleTestApp.OPS);
    String id = "release-pricing-v2";
    eventually().until(() -> currentStage(id).equals("dark"));
    // the plan's own state flag is shown under Releases, not among the flags ops edit
    assertThat(toggles.admin().flag("release.pricing-v2")).isPresent();
    eventually().until(() -> text(By.id("flag-count")).contains("release state flags are under"));
    assertThat(driver.findElements(By.cssSelector("#flag-rows [data-flag-key^='release.']"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("#" + id + "-stages li")))
        .extracting(li -> li.getAttribute("data-stage-state")).containsExactly("current", "pending", "pending");
    eventually().until(() -> text(By.id(id + "-gate-evidence")).equals(plan(APPROVED_PLAN).gate().evidence()));
    eventually().until(() -> !driver.findElement(By.id(id + "-approve")).isEnabled()
        && driver.findElement(By.id(id + "-advance")).isEnabled());

    // Without a reason nothing is sent.
    driver.findElement(By.id(id + "-advance")).click();
    assertThat(text(By.id(id + "-message"))).contains("Give a reason first");
    assertThat(plan(APPROVED_PLAN).status().stage()).isEqualTo("dark");

    String testers = "testers in the beta cohort are happy (OPS-31)";
    driver.findElement(By.id(id + "-reason")).sendKeys(testers);
    driver.findElement(By.id(id + "-advance")).click();
    confirm(testers);
    eventually().until(() -> currentStage(id).equals("approval"));
    assertThat(plan(APPROVED_PLAN).status().stage()).isEqualTo("approval");

    // The approval's reason becomes the plan's evidence: markup in it is shown as text in both places.
    String board = "change board agreed <img src=x onerror=\"window.__xss='evidence'\">";
    eventually().until(() -> driver.findElement(By.id(id + "-approve")).isEnabled());
    driver.findElement(By.id(id + "-reason")).sendKeys(board);
    driver.findElement(By.id(id + "-approve")).click();
    confirm(board);
    eventually().until(() -> currentStage(id).equals("canary"));
    eventually().until(() -> text(By.id(id + "-message")).startsWith("Approve: pricing-v2 is RUNNING at stage canary"));
    assertThat(driver.findElements(By.cssSelector("#" + id + "-stages li")))
        .extracting(li -> li.getAttribute("data-stage-state")).containsExactly("done", "done", "current");
    assertThat(text(By.id(id + "-evidence"))).isEqualTo("approved by ops: " + board);
    eventually().until(() -> historyRow(id, 0).contains("approve"));
    assertThat(historyRow(id, 0)).contains("approve").contains("ops").contains(board);
    assertThat(historyRow(id, 1)).contains("advance").contains("ops").contains(testers);

    JsonNode read = actuator("/actuator/releases/" + APPROVED_PLAN);
    assertThat(read.path("status").path("stage").asText()).isEqualTo("canary");
    JsonNode last = read.path("history").get(read.path("history").size() - 1);
    assertThat(last.path("action").asText()).isEqualTo("approve");
    assertThat(last.path("actor").asText()).isEqualTo("ops");
    assertThat(last.path("reason").asText()).contains(board);
    assertThat(plan(APPROVED_PLAN).canary().state()).isEqualTo(CanaryState.PROGRESSING);

    assertThat(Browser.errors(driver)).as("script errors, policy violations or failed loads").isEmpty();

    // Approve again: no approval is pending, the endpoint's 409 is shown in the page's words.
    driver.findElement(By.id(id + "-reason")).sendKeys("once more");
    // The button forced on and clicked in one go: a poll in between could disable it again.
    ((JavascriptExecutor) driver).executeScript("const b = document.getElementById(arguments[0]);"
        + "b.disabled = false; b.click()", id + "-approve");
    confirm("once more");
    eventually().until(() -> text(By.id(id + "-message")).startsWith("Not done:"));
    assertThat(text(By.id(id + "-message"))).contains("stage 'canary'").contains("Nothing changed");
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return typeof window.__xss")).as("a payload ran").isEqualTo("undefined");
    assertThat(js.executeScript("return document.querySelectorAll('#releases img').length"))
        .as("markup became elements").isEqualTo(0L);
    screenshot(driver.findElement(By.id("releases")), "releases.png");
  }

  @Test
  void aReleasePlanAbortedFromThePageRollsBackAndMarkupInItsReasonIsShownAsText() throws Exception {
    login(ConsoleTestApp.OPS);
    String id = "release-search-v4";
    eventually().until(() -> currentStage(id).equals("dark")
        && driver.findElement(By.id(id + "-abort")).isEnabled());
    String reason = "<img src=x onerror=\"window.__xss='release'\"><script>window.__xss='release'</script>";
    driver.findElement(By.id(id + "-reason")).sendKeys(reason);
    driver.findElement(By.id(id + "-abort")).click();
    confirm(reason, "ROLLED_BACK");
    eventually().until(() -> text(By.id(id + "-state")).equals("ROLLED_BACK"));
    assertThat(plan(ABORTED_PLAN).status().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(driver.findElements(By.cssSelector("#" + id + "-stages li")))
        .extracting(li -> li.getAttribute("data-stage-state")).containsExactly("rolled back", "pending", "pending");
    eventually().until(() -> historyRow(id, 0).contains("abort"));
    assertThat(historyRow(id, 0)).contains("ops").contains(reason);
    assertThat(text(By.id(id + "-evidence"))).isEqualTo(plan(ABORTED_PLAN).status().evidence())
        .isEqualTo("aborted by ops");
    assertThat(driver.findElement(By.id(id + "-abort")).isEnabled()).isFalse();

    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return typeof window.__xss")).as("a payload ran").isEqualTo("undefined");
    assertThat(js.executeScript("return document.querySelectorAll('#releases img, #releases script').length"))
        .as("markup became elements").isEqualTo(0L);
  }

  @Test
  void aViewerSeesNoReleaseActionsAndAForcedActionIsRefused() throws Exception {
    login(ConsoleTestApp.VIEWER);
    String id = "release-search-v4";
    eventually().until(() -> !text(By.id(id + "-stages")).isEmpty());
    assertThat(text(By.id(id + "-read-only"))).contains("You can look but not change release plans");
    assertThat(driver.findElements(By.cssSelector("#releases button, #releases input")))
        .as("release controls shown to a viewer").isEmpty();

    long before = plan(ABORTED_PLAN).status().version();
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')).split('=')[1];"
            + "fetch('/actuator/releases/" + ABORTED_PLAN + "', {method: 'POST', headers: {'Content-Type':"
            + " 'application/json', 'X-XSRF-TOKEN': token}, body: JSON.stringify({action: 'abort', reason: 'forced'})})"
            + ".then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(403L);
    assertThat(plan(ABORTED_PLAN).status().version()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- helpers

  private ReleasePlan plan(String name) {
    return releases.find(name).orElseThrow();
  }

  /** The name of the stage that the plan's timeline marks current (empty when none is). */
  private String currentStage(String id) {
    return driver.findElements(By.cssSelector("#" + id + "-stages li[data-stage-state=current] .stage-name"))
        .stream().map(WebElement::getText).findFirst().orElse("");
  }

  /** A row of the plan's history table, newest first. */
  private String historyRow(String id, int index) {
    List<WebElement> rows = driver.findElements(By.cssSelector("#" + id + "-history tr"));
    return rows.size() > index ? rows.get(index).getText() : "";
  }

  /** Confirms the open dialog, which shows the reason and what is said to happen. */
  private void confirm(String reason, String... says) {
    WebElement dialog = waitFor(By.id("confirm"));
    eventually().until(dialog::isDisplayed);
    assertThat(text(By.id("confirm-body"))).contains(reason);
    for (String said : says) {
      assertThat(text(By.id("confirm-body"))).contains(said);
    }
    driver.findElement(By.id("confirm-ok")).click();
  }

  private void login(String user) {
    driver.get(base("/progressive/").toString());
    waitFor(By.id("login-form"));
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(ConsoleTestApp.PASSWORD);
    driver.findElement(By.id("login-submit")).click();
    waiting().until(d -> "true".equals(d.findElement(By.tagName("body"))
        .getAttribute("data-ready")));
    assertThat(text(By.id("user-name"))).isEqualTo(user);
  }

  /** Waits for the page: an element read while a poll rebuilds it is simply read again. */
  private static ConditionFactory eventually() {
    return await().atMost(WAIT).ignoreExceptions();
  }

  private WebElement flagButton(String key) {
    return waiting().until(d -> d.findElements(By.cssSelector("#flag-rows button")).stream()
        .filter(b -> key.equals(b.getAttribute("data-flag-key"))).findFirst().orElse(null));
  }

  /** Opens a flag's detail from the keyboard; a row rebuilt by a poll meanwhile is found again. */
  private void openFlag(String key) {
    eventually().until(() -> {
      if (!driver.findElement(By.id("flag-detail")).isDisplayed()
          || !text(By.id("flag-detail-title")).equals("Flag " + key)) {
        flagButton(key).sendKeys(Keys.ENTER);
      }
      return text(By.id("flag-detail-title")).equals("Flag " + key);
    });
  }

  private WebElement waitFor(By by) {
    return waiting().until(ExpectedConditions.presenceOfElementLocated(by));
  }

  private String text(By by) {
    return driver.findElement(by).getText();
  }

  private Canary canary(String name) {
    return canaries.find(name).orElseThrow();
  }

  private URI base(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String basic(String user) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + ConsoleTestApp.PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode actuator(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base(path))
        .header("Authorization", basic(ConsoleTestApp.OPS)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** One element (or the viewport), with the window made tall enough to hold it whole. */
  private void screenshot(WebElement element, String name) throws IOException {
    File shot;
    if (element == null) {
      shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
    } else {
      // The sticky header would cover the top of the element.
      ((JavascriptExecutor) driver).executeScript("document.querySelector('header.top').style.position = 'static';"
          + "arguments[0].scrollIntoView()", element);
      int height = element.getSize().getHeight() + 200;
      Dimension size = driver.manage().window().getSize();
      if (height > size.getHeight()) {
        driver.manage().window().setSize(new Dimension(size.getWidth(), height));
      }
      shot = element.getScreenshotAs(OutputType.FILE);
    }
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private void fullPage(String name) throws IOException {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    long height = (Long) js.executeScript("return document.documentElement.scrollHeight");
    driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 120, 6000)));
    js.executeScript("window.scrollTo(0, 0)");
    Optional.of(((ChromeDriver) driver).getScreenshotAs(OutputType.FILE)).ifPresent(f -> {
      try {
        Files.copy(f.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Waits in the browser; an element replaced meanwhile (a navigation, a poll) is looked up again. */
  private WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }
}
