package dev.progressive.parallelrun.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.diff.DiffOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP shadowing end to end, with three WireMock servers: the primary, a secondary copy of it, and the candidate. */
class HttpShadowIT {

  private static final String ORDER = """
      {"id":"o-7","requestId":"%s","items":[{"sku":"a","price":10.00},{"sku":"b","price":%s}],"total":%s}""";

  private static WireMockServer primary;
  private static WireMockServer secondary;
  private static WireMockServer candidate;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<HttpShadow> shadows = new ArrayList<>();

  @BeforeAll
  static void start() {
    primary = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    secondary = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    candidate = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    primary.start();
    secondary.start();
    candidate.start();
  }

  @AfterAll
  static void stop() {
    primary.stop();
    secondary.stop();
    candidate.stop();
  }

  @BeforeEach
  void reset() {
    primary.resetAll();
    secondary.resetAll();
    candidate.resetAll();
  }

  @AfterEach
  void closeShadows() {
    shadows.forEach(HttpShadow::close);
  }

  private static void order(WireMockServer server, String requestId, String price, String total) {
    server.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(ORDER.formatted(requestId, price, total))));
  }

  private HttpShadow.Builder shadow() {
    return HttpShadow.builder()
        .candidate(URI.create(candidate.baseUrl()))
        .meterRegistry(registry)
        .timeout(Duration.ofSeconds(5))
        .route(ShadowRoute.builder("get-order", "/orders/*").compareHeaders("content-type").build());
  }

  private HttpShadow build(HttpShadow.Builder builder) {
    HttpShadow shadow = builder.build();
    shadows.add(shadow);
    return shadow;
  }

  /** Sends the request to the primary, as the application would have served it, and returns its response. */
  private static ShadowResponse served(ShadowRequest request) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(primary.baseUrl() + request.path()))
        .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
    HttpResponse<byte[]> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new ShadowResponse(response.statusCode(), response.headers().map(), response.body());
  }

  private static ShadowResult await(CompletableFuture<ShadowResult> result) throws Exception {
    return result.get(15, TimeUnit.SECONDS);
  }

  @Test
  void equalResponsesMatchAndCarryTheShadowHeader() throws Exception {
    order(primary, "r-1", "5", "15.00");
    order(candidate, "r-1", "5", "15.00");
    HttpShadow shadow = build(shadow());
    ShadowRequest request = new ShadowRequest("GET", "/orders/7?expand=items",
        Map.of("X-Tenant", List.of("acme")), null);

    ShadowResult result = await(shadow.shadow(request, served(request)));

    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MATCH);
    assertThat(result.differences()).isEmpty();
    candidate.verify(getRequestedFor(urlEqualTo("/orders/7?expand=items"))
        .withHeader(HttpShadow.SHADOW_HEADER, equalTo("true"))
        .withHeader("X-Tenant", equalTo("acme")));
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", "get-order")
        .tag("outcome", "match").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("progressive.parallelrun.duration").tag("experiment", "get-order")
        .tag("behavior", "candidate").timer().count()).isEqualTo(1);
    ShadowReport.Endpoint endpoint = shadow.report().endpoint("get-order").orElseThrow();
    assertThat(endpoint.compared()).isEqualTo(1);
    assertThat(endpoint.fields()).isEmpty();
  }

  @Test
  void aChangedFieldIsAMismatchAtItsPathAndARealDifference() throws Exception {
    order(primary, "r-1", "5", "15.00");
    order(candidate, "r-1", "5.0", "15.00");
    HttpShadow shadow = build(shadow());
    ShadowRequest request = ShadowRequest.of("GET", "/orders/7");

    ShadowResult result = await(shadow.shadow(request, served(request)));

    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(Object::toString).containsExactly("body.items[1].price: 5 ≠ 5.0");
    ShadowReport.Field field = shadow.report().endpoint("get-order").orElseThrow()
        .field("body.items[*].price").orElseThrow();
    assertThat(field.raw()).isEqualTo(1);
    assertThat(field.real()).isTrue();
    assertThat(field.samples()).extracting(Object::toString).containsExactly("body.items[1].price: 5 ≠ 5.0");
  }

  @Test
  void aNoisyFieldIsToldApartFromARealDifferenceByTheSecondary() throws Exception {
    // requestId differs on every copy, old or new: noise. total differs only on the candidate: real.
    HttpShadow shadow = build(shadow().secondary(URI.create(secondary.baseUrl())));
    for (int i = 0; i < 10; i++) {
      order(primary, "p-" + i, "5", "15.00");
      order(secondary, "s-" + i, "5", "15.00");
      order(candidate, "c-" + i, "5", "15.10");
      ShadowRequest request = ShadowRequest.of("GET", "/orders/" + i);
      assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    }
    order(primary, "p-x", "5", "15.00");
    order(secondary, "s-x", "5", "15.00");
    order(candidate, "c-x", "5", "15.00");
    ShadowRequest onlyNoise = ShadowRequest.of("GET", "/orders/x");
    assertThat(await(shadow.shadow(onlyNoise, served(onlyNoise))).outcome()).isEqualTo(ComparisonOutcome.IGNORED);

    ShadowReport.Endpoint endpoint = shadow.report().endpoint("get-order").orElseThrow();
    assertThat(endpoint.compared()).isEqualTo(11);
    ShadowReport.Field requestId = endpoint.field("body.requestId").orElseThrow();
    assertThat(requestId.raw()).isEqualTo(11);
    assertThat(requestId.noise()).isEqualTo(11);
    assertThat(requestId.real()).isFalse();
    ShadowReport.Field total = endpoint.field("body.total").orElseThrow();
    assertThat(total.raw()).isEqualTo(10);
    assertThat(total.noise()).isZero();
    assertThat(total.real()).isTrue();
    assertThat(endpoint.realDifferences()).extracting(ShadowReport.Field::path).containsExactly("body.total");
  }

  @Test
  void randomIdsFromWireMockTemplatesAreJudgedNoise() throws Exception {
    // A timestamp of {{now}} is left out: two servers answering in the same second or millisecond would make its
    // count depend on timing. Random UUIDs differ on every response, on the old copies as on the candidate.
    String template = "{\"id\":\"{{randomValue type='UUID'}}\",\"total\":%s}";
    for (WireMockServer server : List.of(primary, secondary, candidate)) {
      server.stubFor(get(urlPathMatching("/receipts/.*")).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json")
          .withBody(template.formatted(server == candidate ? "15.10" : "15.00"))
          .withTransformers("response-template")));
    }
    HttpShadow shadow = build(HttpShadow.builder()
        .candidate(URI.create(candidate.baseUrl()))
        .secondary(URI.create(secondary.baseUrl()))
        .route(ShadowRoute.builder("receipt", "/receipts/*").build()));
    for (int i = 0; i < 20; i++) {
      ShadowRequest request = ShadowRequest.of("GET", "/receipts/" + i);
      await(shadow.shadow(request, served(request)));
    }

    ShadowReport.Endpoint receipts = shadow.report().endpoint("receipt").orElseThrow();
    assertThat(receipts.compared()).isEqualTo(20);
    assertThat(receipts.field("body.id").orElseThrow().raw()).isEqualTo(20);
    assertThat(receipts.field("body.id").orElseThrow().noise()).isEqualTo(20);
    assertThat(receipts.realDifferences()).extracting(ShadowReport.Field::path).containsExactly("body.total");
  }

  @Test
  void ignoredPathsAreNotCompared() throws Exception {
    order(primary, "p", "5", "15.00");
    order(candidate, "c", "5", "15.00");
    HttpShadow shadow = build(HttpShadow.builder().candidate(URI.create(candidate.baseUrl()))
        .route(ShadowRoute.builder("get-order", "/orders/*")
            .diffOptions(DiffOptions.builder().ignorePaths("requestId").build()).build()));
    ShadowRequest request = ShadowRequest.of("GET", "/orders/1");

    assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MATCH);
  }

  @Test
  void aSlowCandidateTimesOut() throws Exception {
    order(primary, "r", "5", "15.00");
    candidate.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withFixedDelay(3_000).withBody("{}")));
    HttpShadow shadow = build(shadow().timeout(Duration.ofMillis(300)));
    ShadowRequest request = ShadowRequest.of("GET", "/orders/1");

    ShadowResult result = await(shadow.shadow(request, served(request)));

    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.TIMEOUT);
    assertThat(shadow.report().endpoint("get-order").orElseThrow().timeouts()).isEqualTo(1);
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("outcome", "timeout").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void whenTheSecondaryFailsTheMismatchIsStillComparedAndCountedConsistently() throws Exception {
    order(primary, "r", "5", "15.00");
    order(candidate, "r", "5", "15.10");
    secondary.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse()
        .withFault(Fault.CONNECTION_RESET_BY_PEER)));
    HttpShadow shadow = build(shadow().secondary(URI.create(secondary.baseUrl())));

    for (int i = 0; i < 3; i++) {
      ShadowRequest request = ShadowRequest.of("GET", "/orders/" + i);
      assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    }

    ShadowReport.Endpoint endpoint = shadow.report().endpoint("get-order").orElseThrow();
    assertThat(endpoint.mismatched()).isEqualTo(3);
    assertThat(endpoint.compared()).as("a mismatch is a compared request").isEqualTo(3);
    assertThat(endpoint.secondaryFailures()).isEqualTo(3);
    assertThat(endpoint.fields()).as("without the noise, fields are not judged").isEmpty();
  }

  @Test
  void aFailingCandidateIsACandidateErrorOrAStatusMismatch() throws Exception {
    order(primary, "r", "5", "15.00");
    candidate.stubFor(get(urlEqualTo("/orders/reset")).willReturn(aResponse()
        .withFault(Fault.CONNECTION_RESET_BY_PEER)));
    candidate.stubFor(get(urlEqualTo("/orders/500")).willReturn(aResponse().withStatus(500)
        .withHeader("Content-Type", "text/plain").withBody("boom")));
    HttpShadow shadow = build(shadow());

    ShadowRequest reset = ShadowRequest.of("GET", "/orders/reset");
    assertThat(await(shadow.shadow(reset, served(reset))).outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    ShadowRequest error = ShadowRequest.of("GET", "/orders/500");
    ShadowResult result = await(shadow.shadow(error, served(error)));
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(result.differences()).extracting(d -> d.path())
        .containsExactly("status", "headers.content-type", "body");
    assertThat(shadow.report().endpoint("get-order").orElseThrow().candidateErrors()).isEqualTo(1);
  }

  @Test
  void aRequestThatCannotBeBuiltIsACandidateErrorAndFreesItsPermit() throws Exception {
    HttpShadow shadow = build(shadow().maxConcurrent(1));
    ShadowRequest bad = new ShadowRequest("GET", "/orders/1", Map.of("Bad Header", List.of("x")), null);

    ShadowResult result = await(shadow.shadow(bad, new ShadowResponse(200, Map.of(), null)));

    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(result.failure()).isInstanceOf(IllegalArgumentException.class);
    assertThat(shadow.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
    candidate.verify(0, getRequestedFor(WireMock.anyUrl()));
  }

  @Test
  void aCandidateBaseUriWithAPathKeepsItWithOrWithoutATrailingSlashAndKeepsTheQuery() throws Exception {
    primary.stubFor(get(urlPathMatching("/restaurants/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"dishes\":[\"soup\"]}")));
    candidate.stubFor(get(urlPathMatching("/v2/restaurants/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"dishes\":[\"soup\"]}")));
    for (String base : List.of(candidate.baseUrl() + "/v2", candidate.baseUrl() + "/v2/")) {
      candidate.resetRequests();
      HttpShadow shadow = build(HttpShadow.builder().candidate(URI.create(base))
          .route(ShadowRoute.builder("menu", "/restaurants/*/menu").build()));
      ShadowRequest request = ShadowRequest.of("GET", "/restaurants/1/menu?lang=en&day=mon");

      ShadowResult result = await(shadow.shadow(request, served(request)));

      assertThat(result.outcome()).as(base).isEqualTo(ComparisonOutcome.MATCH);
      candidate.verify(1, getRequestedFor(urlEqualTo("/v2/restaurants/1/menu?lang=en&day=mon")));
      candidate.verify(1, getRequestedFor(WireMock.anyUrl()));
    }
  }

  @Test
  void aBaseUriWithoutAPathGetsTheRequestPathAsItIs() {
    ShadowRequest request = ShadowRequest.of("GET", "/orders/7?expand=items&x=%20y");
    assertThat(ShadowExchange.target(URI.create("http://127.0.0.1:8080"), request))
        .hasToString("http://127.0.0.1:8080/orders/7?expand=items&x=%20y");
    assertThat(ShadowExchange.target(URI.create("http://127.0.0.1:8080/"), request))
        .hasToString("http://127.0.0.1:8080/orders/7?expand=items&x=%20y");
    assertThat(ShadowExchange.target(URI.create("https://gateway/a/b//"), request))
        .hasToString("https://gateway/a/b/orders/7?expand=items&x=%20y");
  }

  @Test
  void aBaseUriMustBeAnAbsoluteHttpUriWithoutQueryOrFragment() {
    for (String bad : List.of("/v2", "ftp://host/v2", "http://host/v2?x=1", "http://host/v2#top", "mailto:a@b")) {
      assertThatThrownBy(() -> HttpShadow.builder().candidate(URI.create(bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("candidate").hasMessageContaining(bad);
      assertThatThrownBy(() -> HttpShadow.builder().secondary(URI.create(bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secondary");
    }
  }

  @Test
  void aSuppliedBaseUriIsAskedForWhenARequestIsShadowed() throws Exception {
    order(primary, "r", "5", "15.00");
    candidate.stubFor(get(urlPathMatching("/late/orders/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(ORDER.formatted("r", "5", "15.00"))));
    AtomicReference<URI> known = new AtomicReference<>();
    HttpShadow shadow = build(HttpShadow.builder().candidate(() -> {
      URI uri = known.get();
      if (uri == null) {
        throw new IllegalStateException("the candidate's port is not known yet");
      }
      return uri;
    }).maxConcurrent(1).route(ShadowRoute.builder("get-order", "/orders/*").build()));
    ShadowRequest request = ShadowRequest.of("GET", "/orders/7");

    ShadowResult early = await(shadow.shadow(request, served(request)));
    assertThat(early.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(early.failure()).hasMessageContaining("not known yet");
    assertThat(shadow.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
    candidate.verify(0, getRequestedFor(WireMock.anyUrl()));

    known.set(URI.create("http://127.0.0.1:" + candidate.port() + "/late?bad=query"));
    ShadowResult invalid = await(shadow.shadow(request, served(request)));
    assertThat(invalid.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(invalid.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("without query");
    candidate.verify(0, getRequestedFor(WireMock.anyUrl()));

    known.set(URI.create("http://127.0.0.1:" + candidate.port() + "/late"));
    assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MATCH);
    candidate.verify(1, getRequestedFor(urlEqualTo("/late/orders/7")));
    assertThat(shadow.report().endpoint("get-order").orElseThrow().candidateErrors()).isEqualTo(2);
  }

  @Test
  void aCandidateThatKeepsFailingToBeSentIsOneWarningUntilItIsSentAgain() throws Exception {
    order(primary, "r", "5", "15.00");
    order(candidate, "r", "5", "15.00");
    AtomicReference<URI> known = new AtomicReference<>();
    HttpShadow shadow = build(HttpShadow.builder().candidate(() -> {
      URI uri = known.get();
      if (uri == null) {
        throw new IllegalStateException("the candidate's port is not known yet");
      }
      return uri;
    }).route(ShadowRoute.builder("get-order", "/orders/*").build()));
    ShadowRequest request = ShadowRequest.of("GET", "/orders/7");
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
      }
      known.set(URI.create(candidate.baseUrl()));
      assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MATCH);
      known.set(null);
      assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.lines().filter(line -> line.contains("WARN") && line.contains("could not send")))
        .as(log).hasSize(2);
  }

  @Test
  void aNonSafeMethodIsNotSentUnlessTheRouteOptsIn() throws Exception {
    primary.stubFor(post(urlEqualTo("/orders/7/cancel")).willReturn(aResponse().withStatus(204)));
    candidate.stubFor(post(urlEqualTo("/orders/7/cancel")).willReturn(aResponse().withStatus(204)));
    ShadowRequest request = new ShadowRequest("POST", "/orders/7/cancel",
        Map.of("Content-Type", List.of("application/json")), "{\"reason\":\"late\"}".getBytes(StandardCharsets.UTF_8));
    ShadowResponse response = served(request);
    HttpShadow safeOnly = build(HttpShadow.builder().candidate(URI.create(candidate.baseUrl()))
        .route(ShadowRoute.builder("cancel", "/orders/*/cancel").build()));

    ShadowResult skipped = await(safeOnly.shadow(request, response));

    assertThat(skipped.sent()).isFalse();
    assertThat(skipped.skipped()).isEqualTo(ShadowResult.Skip.METHOD_NOT_ALLOWED);
    candidate.verify(0, postRequestedFor(urlEqualTo("/orders/7/cancel")));

    HttpShadow optedIn = build(HttpShadow.builder().candidate(URI.create(candidate.baseUrl()))
        .route(ShadowRoute.builder("cancel", "/orders/*/cancel").allowUnsafeMethods("POST").build()));
    assertThat(await(optedIn.shadow(request, response)).outcome()).isEqualTo(ComparisonOutcome.MATCH);
    candidate.verify(1, postRequestedFor(urlEqualTo("/orders/7/cancel"))
        .withRequestBody(equalTo("{\"reason\":\"late\"}"))
        .withHeader(HttpShadow.SHADOW_HEADER, equalTo("true")));
  }

  @Test
  void headIsSentAndUnroutedOrUnsampledRequestsAreNot() throws Exception {
    primary.stubFor(head(urlEqualTo("/orders/1")).willReturn(aResponse().withStatus(200)));
    candidate.stubFor(head(urlEqualTo("/orders/1")).willReturn(aResponse().withStatus(200)));
    HttpShadow shadow = build(shadow());
    ShadowRequest headRequest = ShadowRequest.of("HEAD", "/orders/1");

    assertThat(await(shadow.shadow(headRequest, served(headRequest))).outcome()).isEqualTo(ComparisonOutcome.MATCH);
    candidate.verify(1, headRequestedFor(urlEqualTo("/orders/1")));

    ShadowResponse any = new ShadowResponse(200, Map.of(), null);
    assertThat(await(shadow.shadow(ShadowRequest.of("GET", "/customers/1"), any)).skipped())
        .isEqualTo(ShadowResult.Skip.NO_ROUTE);
    HttpShadow never = build(shadow().sampleRate(0.0));
    assertThat(await(never.shadow(ShadowRequest.of("GET", "/orders/1"), any)).skipped())
        .isEqualTo(ShadowResult.Skip.NOT_SAMPLED);
    candidate.verify(0, getRequestedFor(WireMock.anyUrl()));
  }

  @Test
  void requestsBeyondTheConcurrencyBoundAreRejected() throws Exception {
    order(primary, "r", "5", "15.00");
    candidate.stubFor(get(urlPathMatching("/orders/.*")).willReturn(aResponse().withStatus(200)
        .withFixedDelay(1_000).withHeader("Content-Type", "application/json")
        .withBody(ORDER.formatted("r", "5", "15.00"))));
    HttpShadow shadow = build(shadow().maxConcurrent(1));
    ShadowRequest request = ShadowRequest.of("GET", "/orders/1");
    ShadowResponse response = served(request);

    CompletableFuture<ShadowResult> first = shadow.shadow(request, response);
    ShadowResult second = await(shadow.shadow(request, response));

    assertThat(second.outcome()).isEqualTo(ComparisonOutcome.REJECTED);
    assertThat(second.sent()).isFalse();
    assertThat(await(first).outcome()).isEqualTo(ComparisonOutcome.MATCH);
    assertThat(shadow.report().endpoint("get-order").orElseThrow().rejected()).isEqualTo(1);
    assertThat(shadow.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
  }

  @Test
  void closeStopsShadowingAndItsThreads() throws Exception {
    order(primary, "r", "5", "15.00");
    order(candidate, "r", "5", "15.00");
    HttpShadow shadow = HttpShadow.builder().candidate(URI.create(candidate.baseUrl()))
        .route(ShadowRoute.builder("get-order", "/orders/*").build()).build();
    ShadowRequest request = ShadowRequest.of("GET", "/orders/1");
    assertThat(await(shadow.shadow(request, served(request))).outcome()).isEqualTo(ComparisonOutcome.MATCH);

    shadow.close();

    assertThat(await(shadow.shadow(request, served(request))).skipped()).isEqualTo(ShadowResult.Skip.CLOSED);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
        && t.getName().startsWith("progressive-http-shadow"));
  }
}
