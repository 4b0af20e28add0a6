package dev.progressive.toggles.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.progressive.toggles.source.FileSourceTest.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.SourceHealth.Status;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault an HTTP flag server can show, played by WireMock and followed through a real {@link Toggles} to the
 * evaluation. Tests wait on change and health events, or on conditions, with a deadline; they never sleep.
 */
class HttpSourceTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PATH = "/v1/flags";
  private static final String TOKEN = "s3cret-token";

  @TempDir
  Path dir;

  private WireMockServer server;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

  @BeforeEach
  void startServer() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.addMockServiceRequestListener((request, response) -> requests.add(request));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.port() + PATH);
  }

  /** A circuit breaker that never opens, so that fault tests see every failure reach the server. */
  private static CircuitBreakerConfig neverOpens() {
    return CircuitBreakerConfig.custom().slidingWindowSize(1000).minimumNumberOfCalls(1000).build();
  }

  private HttpSource.Builder source() {
    return HttpSource.builder(uri()).pollInterval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(30))
        .retry(2, Duration.ofMillis(20)).circuitBreaker(neverOpens());
  }

  private void serve(ResponseDefinitionBuilder response) {
    server.resetMappings();
    server.stubFor(get(urlPathEqualTo(PATH)).willReturn(response));
  }

  private static String color(Toggles t) {
    return t.stringValue("color", EvaluationContext.empty(), "none");
  }

  private static SourceHealth health(Toggles t) {
    return t.health().get(0);
  }

  private static BlockingQueue<Object> events(Toggles t) {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    t.onChange(q::add);
    t.onHealthChange(q::add);
    return q;
  }

  /** Waits until the condition holds, woken by each event; fails after the deadline. */
  private static void awaitUntil(BlockingQueue<?> events, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
    }
  }

  /** Waits until the server has received this many more requests; a deadline makes a missing poll fail. */
  private void awaitRequests(int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      assertThat(requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("poll %d of %d", i + 1, count)
          .isNotNull();
    }
  }

  /** Serves a fault, checks that the last good flags stay while the source is DOWN, then that it recovers. */
  private void faultThenRecovery(ResponseDefinitionBuilder fault, HttpSource.Builder builder, String... errorParts)
      throws Exception {
    serve(okJson(flags("red")));
    try (Toggles t = Toggles.builder().source(builder.build()).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");

      serve(fault);
      awaitUntil(q, () -> !t.isHealthy(), "the source to go DOWN");
      assertThat(health(t).error()).contains(uri().toString()).contains(errorParts);
      assertThat(color(t)).as("the last good flags stay in force").isEqualTo("#f00");

      serve(okJson(flags("blue")));
      awaitUntil(q, () -> t.isHealthy() && color(t).equals("#00f"), "the recovery");
    }
  }

  // ---- the happy paths ----------------------------------------------------------------------------------------

  @Test
  void a200IsAppliedAtStartAndEachChangeIsApplied() throws Exception {
    serve(okJson(flags("red")));
    try (Toggles t = Toggles.builder().source(source().build()).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");
      assertThat(health(t)).satisfies(h -> {
        assertThat(h.status()).isEqualTo(Status.UP);
        assertThat(h.source()).isEqualTo(uri().toString());
      });
      serve(okJson(flags("blue")));
      awaitUntil(q, () -> color(t).equals("#00f"), "the changed document");
    }
  }

  @Test
  void theEtagIsSentBackAndA304ChangesNothing() throws Exception {
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(1).withHeader("If-None-Match", equalTo("\"v1\""))
        .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"v1\"")));
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(5)
        .willReturn(okJson(flags("red")).withHeader("ETag", "\"v1\"")));
    try (Toggles t = Toggles.builder().source(source().build()).requireValidSources(true).build()) {
      BlockingQueue<FlagsChanged> changes = new LinkedBlockingQueue<>();
      t.onChange(changes::add);
      long generation = t.generation();
      awaitUntil(new LinkedBlockingQueue<>(), () -> server.findAll(getRequestedFor(urlPathEqualTo(PATH))
          .withHeader("If-None-Match", equalTo("\"v1\""))).size() >= 3, "three conditional polls");

      assertThat(server.findAll(getRequestedFor(urlPathEqualTo(PATH))))
          .as("only the first request, at start, has no ETag to send")
          .filteredOn(r -> !r.containsHeader("If-None-Match")).hasSize(1);
      assertThat(changes).as("a 304 is no change").isEmpty();
      assertThat(t.generation()).isEqualTo(generation);
      assertThat(t.isHealthy()).as("a 304 is a successful contact, not an empty document").isTrue();
      assertThat(color(t)).isEqualTo("#f00");
    }
  }

  @Test
  void configuredHeadersAreSentAndNoSecretShowsInNamesOrErrors() throws Exception {
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(1).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .willReturn(okJson(flags("red"))));
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(5).willReturn(aResponse().withStatus(401)));
    URI withQuerySecret = URI.create(uri() + "?api_key=q-secret");
    HttpSource source = HttpSource.builder(withQuerySecret).pollInterval(Duration.ofMillis(100))
        .header("Authorization", "Bearer " + TOKEN).header("X-Tenant", "acme").retry(1, Duration.ofMillis(10))
        .circuitBreaker(neverOpens()).build();
    try (Toggles t = Toggles.builder().source(source).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");
      assertThat(server.findAll(getRequestedFor(urlPathEqualTo(PATH))).get(0).getHeader("X-Tenant"))
          .isEqualTo("acme");
      assertThat(source.name()).isEqualTo(uri().toString()).doesNotContain("q-secret");

      // The token is revoked: the server answers 401, and the error tells so without the token or the query.
      server.resetMappings();
      server.stubFor(get(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(401)));
      awaitUntil(q, () -> !t.isHealthy(), "the 401");
      assertThat(health(t).error()).contains("HTTP 401").doesNotContain(TOKEN).doesNotContain("q-secret");
    }
  }

  @Test
  void aSlowResponseUnderTheTimeoutIsFine() throws Exception {
    serve(okJson(flags("red")).withFixedDelay(300));
    HttpSource.Builder builder = source().timeout(Duration.ofSeconds(30));
    try (Toggles t = Toggles.builder().source(builder.build()).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");
      serve(okJson(flags("blue")).withFixedDelay(300));
      awaitUntil(q, () -> color(t).equals("#00f"), "the slow change");
      assertThat(t.isHealthy()).isTrue();
    }
  }

  @Test
  void flagdsSyncResponseIsUnwrapped() throws Exception {
    String wrapped = new ObjectMapper().writeValueAsString(Map.of("flagConfiguration", flags("red")));
    serve(okJson(wrapped));
    try (Toggles t = Toggles.builder().source(source().build()).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");

      // The same flagd switching to its plain /v1/flags document is read as well.
      serve(okJson(flags("blue")));
      awaitUntil(q, () -> color(t).equals("#00f"), "the plain document");

      // An invalid wrapped document is refused with the flag and path, like a plain one.
      serve(okJson(new ObjectMapper().writeValueAsString(Map.of("flagConfiguration", flags("purple")))));
      awaitUntil(q, () -> !t.isHealthy(), "the refusal");
      assertThat(health(t).error()).contains("'color'").contains("$.flags.color.defaultVariant");
      assertThat(color(t)).isEqualTo("#00f");
    }
  }

  @Test
  void aTransientFailureIsRetriedWithinOnePoll() throws Exception {
    server.stubFor(get(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    server.stubFor(get(urlPathEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(okJson(flags("red"))));
    try (Toggles t = Toggles.builder().source(source().retry(2, Duration.ofMillis(50)).build())
        .requireValidSources(true).build()) {
      assertThat(color(t)).as("the second attempt of the first fetch succeeded").isEqualTo("#f00");
      assertThat(t.isHealthy()).isTrue();
    }
  }

  @Test
  void aClientErrorIsNotRetried() throws Exception {
    serve(aResponse().withStatus(404));
    HttpSource source = source().retry(3, Duration.ofMillis(20)).build();
    assertThatThrownBy(source::load).isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(PATH)))).hasSize(1);
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  @Test
  void serverErrorsKeepTheLastGoodFlagsAndTheSourceRecovers() throws Exception {
    faultThenRecovery(aResponse().withStatus(500), source(), "HTTP 500");
  }

  @Test
  void timeoutsKeepTheLastGoodFlagsAndTheSourceRecovers() throws Exception {
    faultThenRecovery(okJson(flags("green")).withFixedDelay(5_000), source().timeout(Duration.ofMillis(300)),
        "timed out after 300 ms");
  }

  @Test
  void aConnectionResetKeepsTheLastGoodFlagsAndTheSourceRecovers() throws Exception {
    faultThenRecovery(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), source(), "failed");
  }

  @Test
  void randomDataThenCloseKeepsTheLastGoodFlagsAndTheSourceRecovers() throws Exception {
    faultThenRecovery(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE), source(), "failed");
  }

  @Test
  void aNonJsonBodyIsRefusedAndTheLastGoodFlagsStay() throws Exception {
    faultThenRecovery(aResponse().withStatus(200).withBody("{<html>this is not a flag document"), source(),
        "not valid JSON");
  }

  @Test
  void a304AfterAFailureBringsTheSourceBackUp() throws Exception {
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(1).withHeader("If-None-Match", equalTo("\"v1\""))
        .willReturn(aResponse().withStatus(304)));
    server.stubFor(get(urlPathEqualTo(PATH)).atPriority(5)
        .willReturn(okJson(flags("red")).withHeader("ETag", "\"v1\"")));
    try (Toggles t = Toggles.builder().source(source().build()).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      // Every request fails for a while, then the server is back with the same document: a 304.
      server.stubFor(get(urlPathEqualTo(PATH)).atPriority(0).willReturn(aResponse().withStatus(502)));
      awaitUntil(q, () -> !t.isHealthy(), "the 502");
      server.resetMappings();
      server.stubFor(get(urlPathEqualTo(PATH)).withHeader("If-None-Match", equalTo("\"v1\""))
          .willReturn(aResponse().withStatus(304)));
      awaitUntil(q, () -> t.isHealthy(), "the 304 to bring the source back UP");
      assertThat(color(t)).isEqualTo("#f00");
    }
  }

  @Test
  void aFailureIsReportedOnceAndTheSameDocumentAgainAfterIt() throws Exception {
    serve(okJson(flags("red")));
    BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
    try (HttpSource source = source().build()) {
      assertThat(source.load()).containsExactly(new FlagDocument(uri().toString(), flags("red")));
      source.watch(new FlagSource.Listener() {
        @Override
        public void changed(java.util.List<FlagDocument> documents) {
          reports.add(documents);
        }

        @Override
        public void failed(Exception cause) {
          reports.add(cause);
        }
      });
      awaitRequests(3);
      assertThat(reports).as("polls that find the same document report nothing").isEmpty();

      serve(aResponse().withStatus(500));
      Object failure = reports.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(failure).isInstanceOf(IOException.class).asString().contains("HTTP 500");
      requests.clear();
      awaitRequests(6);
      assertThat(reports).as("the same failure is reported once").isEmpty();

      // The same document as before the failure is reported again, so that the receiver knows the source is back.
      serve(okJson(flags("red")));
      assertThat(reports.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isEqualTo(java.util.List.of(new FlagDocument(uri().toString(), flags("red"))));
      requests.clear();
      awaitRequests(3);
      assertThat(reports).isEmpty();
    }
  }

  @Test
  void anUnreachableServerIsNamedWithItsCause() throws Exception {
    URI stopped = uri();
    server.stop();
    HttpSource source = HttpSource.builder(URI.create(stopped + "?token=q-secret")).retry(1, Duration.ofMillis(1))
        .build();
    assertThatThrownBy(source::load).isInstanceOf(IOException.class)
        .hasMessageContaining("GET " + stopped + " failed: ConnectException")
        .hasMessageNotContaining("q-secret");
  }

  // ---- the backup file ----------------------------------------------------------------------------------------

  @Test
  void anInvalidDefinitionIsRefusedAndNeverOverwritesTheBackup() throws Exception {
    Path backup = dir.resolve("cache").resolve("flags-backup.json");
    serve(okJson(flags("red")));
    try (Toggles t = Toggles.builder().source(source().backupFile(backup).build()).requireValidSources(true)
        .build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(backup).as("a good 200 is backed up").hasContent(flags("red"));

      serve(okJson(flags("purple")));
      awaitUntil(q, () -> !t.isHealthy(), "the refusal");
      assertThat(health(t).error()).contains(uri().toString()).contains("flag 'color'")
          .contains("$.flags.color.defaultVariant");
      assertThat(color(t)).isEqualTo("#f00");
      awaitRequests(3);
      assertThat(backup).as("an invalid document is never backed up").hasContent(flags("red"));

      serve(okJson(flags("blue")));
      awaitUntil(q, () -> t.isHealthy() && color(t).equals("#00f"), "the fix");
      awaitUntil(q, () -> read(backup).equals(flags("blue")), "the backup of the fix");
    }
    assertThat(Files.list(backup.getParent())).as("no temporary file is left").containsExactly(backup);
  }

  @Test
  void aDocumentThatParsesButDoesNotCompileNeverOverwritesTheBackup() throws Exception {
    Path backup = dir.resolve("flags-backup.json");
    serve(okJson(flags("red")));
    try (Toggles t = Toggles.builder().source(source().backupFile(backup).build()).requireValidSources(true)
        .build()) {
      BlockingQueue<Object> q = events(t);
      String badRule = flags("blue").replace("\"defaultVariant\"", "\"targeting\": {\"nope\": [1]}, \"defaultVariant\"");
      assertThat(badRule).contains("nope");
      serve(okJson(badRule));
      awaitUntil(q, () -> !t.isHealthy(), "the compiler's refusal");
      assertThat(health(t).error()).contains("nope");
      awaitRequests(3);
      assertThat(backup).as("only what Toggles applied is backed up").hasContent(flags("red"));
    }
  }

  @Test
  void theBackupIsNotRewrittenWhenTheContentIsUnchanged() throws Exception {
    Path backup = dir.resolve("flags-backup.json");
    serve(okJson(flags("red")));
    try (Toggles t = Toggles.builder().source(source().backupFile(backup).build()).requireValidSources(true)
        .build()) {
      assertThat(backup).hasContent(flags("red"));
      // A marker the source would overwrite if it wrote the same document again.
      Files.writeString(backup, "marker");
      requests.clear();
      awaitRequests(3);
      assertThat(backup).hasContent("marker");
    }
  }

  @Test
  void theBackupIsServedAtStartWhenTheServerIsDownThenTheSourceRecovers() throws Exception {
    Path backup = dir.resolve("flags-backup.json");
    Files.writeString(backup, flags("red"));
    serve(aResponse().withStatus(503));
    try (Toggles t = Toggles.builder().source(source().backupFile(backup).build()).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).as("the backup serves at start").isEqualTo("#f00");
      awaitUntil(q, () -> !t.isHealthy(), "the first poll to report the server down");
      assertThat(health(t).error()).contains("HTTP 503");
      assertThat(color(t)).isEqualTo("#f00");

      serve(okJson(flags("blue")));
      awaitUntil(q, () -> t.isHealthy() && color(t).equals("#00f"), "the server's document");
      awaitUntil(q, () -> read(backup).equals(flags("blue")), "the new backup");
    }
  }

  @Test
  void theBackupIsServedAtStartWhenTheServerIsUnreachable() throws Exception {
    Path backup = dir.resolve("flags-backup.json");
    Files.writeString(backup, flags("green"));
    URI stopped = uri();
    server.stop();
    HttpSource source = HttpSource.builder(stopped).pollInterval(Duration.ofMillis(100))
        .retry(1, Duration.ofMillis(10)).backupFile(backup).build();
    try (Toggles t = Toggles.builder().source(source).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#0f0");
      awaitUntil(q, () -> !t.isHealthy(), "the first poll to report the server unreachable");
      assertThat(health(t).error()).contains(stopped.toString());
    }
  }

  @Test
  void withoutABackupAnUnreachableServerFailsTheLoadClearly() {
    serve(aResponse().withStatus(500));
    HttpSource source = source().backupFile(dir.resolve("missing.json")).build();
    assertThatThrownBy(source::load).isInstanceOf(IOException.class).hasMessageContaining(uri().toString())
        .hasMessageContaining("HTTP 500")
        .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessageContaining("missing.json"));
    assertThatThrownBy(() -> Toggles.builder().source(source().build()).requireValidSources(true).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTP 500");
  }

  // ---- the circuit breaker ------------------------------------------------------------------------------------

  @Test
  void theCircuitBreakerOpensAfterRepeatedFailuresAndClosesAgain() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    CircuitBreakerConfig config = CircuitBreakerConfig.custom().failureRateThreshold(50).slidingWindowSize(2)
        .minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofSeconds(30))
        .permittedNumberOfCallsInHalfOpenState(1).clock(clock).build();
    serve(okJson(flags("red")));
    HttpSource source = source().retry(1, Duration.ofMillis(10)).circuitBreaker(config).build();
    try (Toggles t = Toggles.builder().source(source).requireValidSources(true).build()) {
      BlockingQueue<Object> q = events(t);
      serve(aResponse().withStatus(500));
      awaitUntil(q, () -> String.valueOf(health(t).error()).contains("circuit breaker"), "the circuit to open");
      assertThat(source.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(health(t).error()).contains(uri().toString()).contains("open");
      assertThat(color(t)).isEqualTo("#f00");

      // Polls go on, about ten in this second, and none of them reaches the server.
      requests.clear();
      assertThat(requests.poll(1, TimeUnit.SECONDS)).as("a request while the circuit is open").isNull();

      serve(okJson(flags("blue")));
      clock.advance(Duration.ofSeconds(31));
      awaitUntil(q, () -> t.isHealthy() && color(t).equals("#00f"), "the trial poll to close the circuit");
      assertThat(source.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
  }

  // ---- lifecycle and builder ----------------------------------------------------------------------------------

  @Test
  void closeStopsThePollingThread() throws Exception {
    serve(okJson(flags("red")));
    Toggles t = Toggles.builder().source(source().build()).build();
    String thread = "progressive-flags-http-" + uri();
    assertThat(FileSourceTest.threads()).contains(thread);
    t.close();
    t.close();
    assertThat(FileSourceTest.threads()).doesNotContain(thread);
    requests.clear();
    assertThat(requests.poll(500, TimeUnit.MILLISECONDS)).as("a poll after close").isNull();
  }

  @Test
  void aRedirectIsAFailureSoThatNoTokenReachesAnotherHost() throws Exception {
    serve(aResponse().withStatus(302).withHeader("Location", "http://127.0.0.1:1/elsewhere"));
    HttpSource source = source().header("Authorization", "Bearer " + TOKEN).build();
    assertThatThrownBy(source::load).isInstanceOf(IOException.class).hasMessageContaining("HTTP 302");
  }

  @Test
  void theDefaultCircuitBreakerIsTheDocumentedOne() {
    CircuitBreakerConfig c = HttpSource.defaultCircuitBreaker();
    assertThat(c.getFailureRateThreshold()).isEqualTo(50f);
    assertThat(c.getSlidingWindowSize()).isEqualTo(10);
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(5);
    assertThat(c.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(30_000L);
    assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
  }

  @Test
  void everyBuilderSetterChecksItsArgument() {
    assertThatThrownBy(() -> HttpSource.builder(null)).hasMessageContaining("uri");
    assertThatThrownBy(() -> HttpSource.builder(URI.create("file:/etc/flags.json"))).hasMessageContaining("http");
    HttpSource.Builder b = HttpSource.builder(uri());
    assertThatThrownBy(() -> b.pollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> b.pollInterval(null)).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> b.timeout(Duration.ofSeconds(-1))).hasMessageContaining("timeout");
    assertThatThrownBy(() -> b.header(null, "v")).hasMessageContaining("header name");
    assertThatThrownBy(() -> b.header("X-Key", null)).hasMessageContaining("header value");
    assertThatThrownBy(() -> b.header(" ", "v")).hasMessageContaining("header name");
    assertThatThrownBy(() -> b.header("Host", "evil")).hasMessageContaining("header Host")
        .hasMessageNotContaining("evil");
    assertThatThrownBy(() -> b.header("If-None-Match", "x")).hasMessageContaining("If-None-Match");
    assertThatThrownBy(() -> b.backupFile(null)).hasMessageContaining("backupFile");
    assertThatThrownBy(() -> b.retry(0, Duration.ofMillis(1))).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> b.retry(2, Duration.ZERO)).hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> b.circuitBreaker(null)).hasMessageContaining("circuitBreaker");
    assertThatThrownBy(() -> b.httpClient(null)).hasMessageContaining("httpClient");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
