package dev.progressive.parallelrun.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import dev.progressive.parallelrun.internal.Arguments;
import dev.progressive.parallelrun.internal.BoundedQueue;
import dev.progressive.parallelrun.internal.ExperimentMeters;
import dev.progressive.parallelrun.internal.TrackingThreadFactory;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadows HTTP traffic: a request that the primary (the old version) has served is sent again, with
 * {@code X-Progressive-Shadow: true}, to a candidate (the new version), and the two responses are compared: status,
 * chosen headers, and the JSON body field by field. With a secondary (a second copy of the old version), the same
 * request also goes there, and differences between primary and secondary are counted as noise, as Diffy does; see
 * {@link NoiseFilter} and {@link #report()}.
 *
 * <pre>{@code
 * HttpShadow shadow = HttpShadow.builder()
 *     .candidate(URI.create("http://orders-v2:8080"))
 *     .secondary(URI.create("http://orders-v1-copy:8080"))
 *     .route(ShadowRoute.builder("get-order", "/orders/*").compareHeaders("content-type")
 *         .diffOptions(DiffOptions.builder().ignorePaths("meta.requestId").build()).build())
 *     .meterRegistry(registry)
 *     .build();
 * // after the primary served a request:
 * shadow.shadow(new ShadowRequest("GET", "/orders/7", headers, body), new ShadowResponse(200, respHeaders, respBody));
 * }</pre>
 *
 * <p>{@link #shadow} never throws and never blocks: it returns a future at once. Only {@code GET} and {@code HEAD}
 * are sent unless a route opts in to other methods. At most {@code maxConcurrent} requests are in flight (a
 * Resilience4j bulkhead; the excess is rejected and counted), each with a time limit. Meters:
 * {@code progressive.parallelrun.comparisons} and {@code progressive.parallelrun.duration} with the route's name as
 * the {@code experiment} tag.
 */
public final class HttpShadow implements AutoCloseable {

  /** The header that marks shadow traffic, so that the candidate can avoid side effects. */
  public static final String SHADOW_HEADER = "X-Progressive-Shadow";

  private static final Logger LOG = LoggerFactory.getLogger(HttpShadow.class);
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect",
      "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings",
      SHADOW_HEADER.toLowerCase(Locale.ROOT));

  private final Supplier<URI> candidate;
  private final Supplier<URI> secondary;
  private final List<ShadowRoute> routes;
  private final double sampleRate;
  private final Duration timeout;
  private final NoiseFilter noiseFilter;
  private final Bulkhead bulkhead;
  private final HttpClient client;
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor timer;
  private final long maxBodyBytes;
  private final TrackingThreadFactory threadFactory;
  private final ObjectMapper json;
  private final Map<String, StructuralDiff> diffs = new ConcurrentHashMap<>();
  /** Whether the last attempt to send failed before anything was sent: only the first of a run is a WARN. */
  private final AtomicBoolean sendFailing = new AtomicBoolean();
  private final Map<String, ExperimentMeters> meters = new LinkedHashMap<>();
  private final Map<String, EndpointStats> stats = new LinkedHashMap<>();
  private volatile boolean closed;

  private HttpShadow(Builder b) {
    this.candidate = b.candidate;
    this.secondary = b.secondary;
    this.routes = List.copyOf(b.routes);
    this.sampleRate = b.sampleRate;
    this.timeout = b.timeout;
    this.noiseFilter = b.noiseFilter;
    this.bulkhead = Bulkhead.of("http-shadow", BulkheadConfig.custom()
        .maxConcurrentCalls(b.maxConcurrent).maxWaitDuration(Duration.ZERO).build());
    this.threadFactory = new TrackingThreadFactory("progressive-http-shadow");
    // The client's callbacks run here: a few per request in flight, and requests in flight are bounded by the
    // bulkhead, so the queue bound is never the limit in practice; if it were, the selector thread runs the task.
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 60, TimeUnit.SECONDS,
        new BoundedQueue(Math.max(64, b.maxConcurrent * 8)), threadFactory, new ThreadPoolExecutor.CallerRunsPolicy());
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    this.timer.setRemoveOnCancelPolicy(true);
    this.maxBodyBytes = b.maxBodyBytes;
    this.client = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(b.timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.json = JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .build();
    MeterRegistry registry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
    for (ShadowRoute route : routes) {
      meters.put(route.name(), new ExperimentMeters(registry, route.name()));
      stats.put(route.name(), new EndpointStats(route.name(), b.maxFieldsPerEndpoint, b.samplesPerField));
      diffs.put(route.name(), StructuralDiff.of(route.diffOptions()));
    }
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends the request to the candidate (and the secondary) if a route allows it, and compares the responses with
   * the primary's. Never throws, never blocks.
   *
   * @param request what the primary served
   * @param primary what the primary answered
   * @return the result, completed when the comparison is done (at once when the request is not sent)
   */
  public CompletableFuture<ShadowResult> shadow(ShadowRequest request, ShadowResponse primary) {
    try {
      if (closed) {
        return CompletableFuture.completedFuture(ShadowResult.skipped(null, ShadowResult.Skip.CLOSED));
      }
      ShadowRoute route = route(request);
      if (route == null) {
        return CompletableFuture.completedFuture(ShadowResult.skipped(null, ShadowResult.Skip.NO_ROUTE));
      }
      if (!route.allows(request.method())) {
        return CompletableFuture.completedFuture(
            ShadowResult.skipped(route.name(), ShadowResult.Skip.METHOD_NOT_ALLOWED));
      }
      if (sampleRate < 1.0 && ThreadLocalRandom.current().nextDouble() >= sampleRate) {
        return CompletableFuture.completedFuture(ShadowResult.skipped(route.name(), ShadowResult.Skip.NOT_SAMPLED));
      }
      if (primary.body().length > maxBodyBytes) {
        return CompletableFuture.completedFuture(ShadowResult.skipped(route.name(), ShadowResult.Skip.BODY_TOO_LARGE));
      }
      if (!bulkhead.tryAcquirePermission()) {
        stats.get(route.name()).rejected();
        meters.get(route.name()).count(ComparisonOutcome.REJECTED);
        return CompletableFuture.completedFuture(
            new ShadowResult(route.name(), null, ComparisonOutcome.REJECTED, List.of(), List.of(), null));
      }
      CompletableFuture<ShadowResult> sent;
      try {
        sent = send(route, request, primary);
      } catch (Throwable e) {
        bulkhead.onComplete();
        stats.get(route.name()).candidateError();
        meters.get(route.name()).count(ComparisonOutcome.CANDIDATE_ERROR);
        if (sendFailing.compareAndSet(false, true)) {
          LOG.warn("HTTP shadow: could not send {} {} to the candidate; further failures are logged at DEBUG "
              + "until a request is sent again", request.method(), request.path(), e);
        } else {
          LOG.debug("HTTP shadow: could not send {} {} to the candidate", request.method(), request.path(), e);
        }
        return CompletableFuture.completedFuture(
            new ShadowResult(route.name(), null, ComparisonOutcome.CANDIDATE_ERROR, List.of(), List.of(), e));
      }
      if (sendFailing.compareAndSet(true, false)) {
        LOG.info("HTTP shadow: requests are sent to the candidate again");
      }
      // The permit goes back only when both exchanges have ended: answered, failed, or aborted at the time limit.
      return sent.whenComplete((r, e) -> bulkhead.onComplete());
    } catch (Throwable e) {
      LOG.warn("HTTP shadow: could not shadow {} {}", request.method(), request.path(), e);
      return CompletableFuture.completedFuture(
          new ShadowResult(null, null, ComparisonOutcome.CANDIDATE_ERROR, List.of(), List.of(), e));
    }
  }

  private ShadowRoute route(ShadowRequest request) {
    String path = request.pathWithoutQuery();
    for (ShadowRoute route : routes) {
      if (route.matchesPath(path)) {
        return route;
      }
    }
    return null;
  }

  private CompletableFuture<ShadowResult> send(ShadowRoute route, ShadowRequest request, ShadowResponse primary) {
    // Both targets are known before anything is sent, so that a base URI that cannot be had sends nothing.
    URI candidateUri = target(base(candidate, "candidate"), request);
    URI secondaryUri = secondary == null ? null : target(base(secondary, "secondary"), request);
    long start = System.nanoTime();
    CompletableFuture<ShadowResponse> fromCandidate = exchange(candidateUri, request)
        .whenComplete((r, e) -> meters.get(route.name()).candidate(System.nanoTime() - start));
    CompletableFuture<ShadowResponse> fromSecondary = secondaryUri == null
        ? CompletableFuture.completedFuture(null)
        : exchange(secondaryUri, request);
    return fromCandidate.handle((response, error) -> new Object[] {response, error})
        .thenCombine(fromSecondary.handle((response, error) -> new Object[] {response, error}),
            (c, s) -> judge(route, primary, (ShadowResponse) c[0], unwrap((Throwable) c[1]),
                (ShadowResponse) s[0], unwrap((Throwable) s[1])))
        .exceptionally(e -> {
          // The comparison itself failed (judge counts only once it has decided): counted here, so outcomes add up.
          stats.get(route.name()).candidateError();
          meters.get(route.name()).count(ComparisonOutcome.CANDIDATE_ERROR);
          LOG.warn("HTTP shadow: the comparison for route '{}' failed", route.name(), e);
          return new ShadowResult(route.name(), null, ComparisonOutcome.CANDIDATE_ERROR, List.of(), List.of(), e);
        });
  }

  /** The base URI from its supplier, checked as the builder checks a fixed one. */
  private static URI base(Supplier<URI> supplier, String what) {
    URI base = supplier.get();
    if (base == null) {
      throw new IllegalStateException("The " + what + " base URI supplier gave null");
    }
    return Builder.checkBase(base, what, IllegalStateException::new);
  }

  /**
   * The request's path and query appended to the base URI's path: {@code http://host/v2} or {@code http://host/v2/}
   * with {@code /orders/7?x=1} gives {@code http://host/v2/orders/7?x=1}.
   */
  static URI target(URI base, ShadowRequest request) {
    String prefix = base.toString();
    int end = prefix.length();
    while (end > 0 && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return URI.create(prefix.substring(0, end) + request.path());
  }

  /**
   * Sends one request. The future completes only when the exchange has ended: with the response, with its failure,
   * or at the time limit, once the request has been cancelled and the body's subscription cancelled (which closes an
   * HTTP/1.1 connection), so that the bulkhead bounds the exchanges really in flight. A body over
   * {@code maxBodyBytes} is aborted as soon as the cap is passed.
   */
  private CompletableFuture<ShadowResponse> exchange(URI target, ShadowRequest request) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(target)
        .timeout(timeout)
        .method(request.method().toUpperCase(Locale.ROOT), request.body().length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          builder.header(header.getKey(), value);
        }
      }
    }
    builder.header(SHADOW_HEADER, "true");
    CappedBody body = new CappedBody(maxBodyBytes);
    CompletableFuture<ShadowResponse> ended = new CompletableFuture<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    CompletableFuture<HttpResponse<byte[]>> sending = client.sendAsync(builder.build(), info -> body);
    ScheduledFuture<?> limit = timer.schedule(() -> {
      HttpTimeoutException late = new HttpTimeoutException("No complete answer from " + target.getHost()
          + " within " + timeout + "; the exchange was aborted");
      // Cancel the request and the body's subscription first, then say it ended: only then is the permit returned.
      timedOut.set(true);
      sending.cancel(true);
      body.abort(late);
      ended.completeExceptionally(late);
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    sending.whenComplete((response, error) -> {
      limit.cancel(false);
      if (timedOut.get()) {
        return;
      }
      if (error != null) {
        ended.completeExceptionally(error);
      } else {
        ended.complete(new ShadowResponse(response.statusCode(), response.headers().map(), response.body()));
      }
    });
    return ended;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private ShadowResult judge(ShadowRoute route, ShadowResponse primary, ShadowResponse fromCandidate,
      Throwable candidateError, ShadowResponse fromSecondary, Throwable secondaryError) {
    EndpointStats endpoint = stats.get(route.name());
    ExperimentMeters routeMeters = meters.get(route.name());
    if (candidateError != null) {
      boolean timedOut = candidateError instanceof HttpTimeoutException || candidateError instanceof TimeoutException;
      ComparisonOutcome outcome = timedOut ? ComparisonOutcome.TIMEOUT : ComparisonOutcome.CANDIDATE_ERROR;
      if (timedOut) {
        endpoint.timeout();
      } else {
        endpoint.candidateError();
      }
      routeMeters.count(outcome);
      return new ShadowResult(route.name(), null, outcome, List.of(), List.of(), candidateError);
    }
    List<Difference> raw = compare(route, primary, fromCandidate);
    List<Difference> noise = List.of();
    if (secondary != null && secondaryError == null) {
      noise = compare(route, primary, fromSecondary);
    }
    ComparisonOutcome outcome;
    if (raw.isEmpty()) {
      outcome = ComparisonOutcome.MATCH;
    } else if (!noise.isEmpty() && noisePaths(noise).containsAll(noisePaths(raw))) {
      outcome = ComparisonOutcome.IGNORED;
    } else {
      outcome = ComparisonOutcome.MISMATCH;
    }
    // One update of the endpoint's counters, so that a report never sees a mismatch that is not yet compared.
    endpoint.compared(raw, noise, secondary == null || secondaryError == null, outcome == ComparisonOutcome.MISMATCH);
    routeMeters.count(outcome);
    return new ShadowResult(route.name(), null, outcome, raw, noise, null);
  }

  private static Set<String> noisePaths(List<Difference> differences) {
    Set<String> paths = new HashSet<>();
    for (Difference difference : differences) {
      paths.add(EndpointStats.normalize(difference.path()));
    }
    return paths;
  }

  /**
   * Compares two responses: status, the route's headers, and the body (field by field when both are JSON).
   *
   * @param route the route
   * @param expected the primary's response
   * @param actual the other response
   * @return the differences, with paths such as {@code status}, {@code headers.content-type}, {@code body.items[0]}
   */
  List<Difference> compare(ShadowRoute route, ShadowResponse expected, ShadowResponse actual) {
    List<Difference> out = new ArrayList<>();
    if (expected.status() != actual.status()) {
      out.add(new Difference("status", expected.status(), actual.status()));
    }
    for (String header : route.comparedHeaders()) {
      String left = expected.header(header);
      String right = actual.header(header);
      if (!Objects.equals(left, right)) {
        out.add(new Difference("headers." + header, left == null ? Difference.ABSENT : left,
            right == null ? Difference.ABSENT : right));
      }
    }
    if (!Arrays.equals(expected.body(), actual.body())) {
      JsonNode left = parse(expected.body());
      JsonNode right = parse(actual.body());
      if (left != null && right != null) {
        for (Difference difference : diffs.get(route.name()).diff(left, right)) {
          out.add(difference.under("body"));
        }
      } else {
        out.add(new Difference("body", text(expected.body()), text(actual.body())));
      }
    }
    return out;
  }

  private JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  /** The report so far: per endpoint and field, raw and noise counts and the noise filter's decision. */
  public ShadowReport report() {
    List<ShadowReport.Endpoint> endpoints = new ArrayList<>();
    for (EndpointStats endpoint : stats.values()) {
      endpoints.add(endpoint.report(noiseFilter));
    }
    return new ShadowReport(endpoints);
  }

  /** The bulkhead that bounds requests in flight; not public, built from {@code maxConcurrent}. */
  Bulkhead bulkhead() {
    return bulkhead;
  }

  /**
   * Stops shadowing: later requests are skipped, requests in flight are abandoned, and the call waits until the
   * threads this shadow started have ended. On Java 17 the {@link HttpClient}'s own selector thread cannot be
   * stopped; it ends once the client is garbage-collected.
   */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threadFactory.joinAll(Duration.ofSeconds(5));
  }

  /** Builds an {@link HttpShadow}. Every setter checks its argument at once. */
  public static final class Builder {
    private Supplier<URI> candidate;
    private Supplier<URI> secondary;
    private final List<ShadowRoute> routes = new ArrayList<>();
    private final Set<String> routeNames = new HashSet<>();
    private double sampleRate = 1.0;
    private int maxConcurrent = 16;
    private int threads = 2;
    private Duration timeout = Duration.ofSeconds(2);
    private NoiseFilter noiseFilter = NoiseFilter.DEFAULTS;
    private MeterRegistry meterRegistry;
    private int maxFieldsPerEndpoint = 500;
    private int samplesPerField = 5;
    private long maxBodyBytes = 1L << 20;

    private Builder() {
    }

    /**
     * The candidate's base URI, such as {@code http://orders-v2:8080} or {@code http://gateway:8080/orders-v2}: the
     * request's path and query are appended to its path.
     *
     * @param baseUri an absolute http or https URI with a host, without query or fragment
     * @return this builder
     */
    public Builder candidate(URI baseUri) {
      URI checked = checkBase(Objects.requireNonNull(baseUri, "candidate"), "candidate", IllegalArgumentException::new);
      this.candidate = () -> checked;
      return this;
    }

    /**
     * The candidate's base URI, asked for each time a request is shadowed, for a URI known only after the shadow is
     * built (a port chosen at startup). The supplier should be cheap and keep its answer. When it throws or gives an
     * invalid URI, that request is not sent and counts as a candidate error.
     *
     * @param baseUri gives an absolute http or https URI with a host, without query or fragment
     * @return this builder
     */
    public Builder candidate(Supplier<URI> baseUri) {
      this.candidate = Objects.requireNonNull(baseUri, "candidate");
      return this;
    }

    /**
     * A second copy of the old version, for noise detection.
     *
     * @param baseUri an absolute http or https URI with a host, without query or fragment
     * @return this builder
     */
    public Builder secondary(URI baseUri) {
      URI checked = checkBase(Objects.requireNonNull(baseUri, "secondary"), "secondary", IllegalArgumentException::new);
      this.secondary = () -> checked;
      return this;
    }

    /**
     * A second copy of the old version, for noise detection, whose base URI is asked for each time a request is
     * shadowed; see {@link #candidate(Supplier)}.
     *
     * @param baseUri gives an absolute http or https URI with a host, without query or fragment
     * @return this builder
     */
    public Builder secondary(Supplier<URI> baseUri) {
      this.secondary = Objects.requireNonNull(baseUri, "secondary");
      return this;
    }

    static URI checkBase(URI uri, String what, Function<String, RuntimeException> error) {
      String scheme = uri.getScheme();
      if (!uri.isAbsolute() || uri.getHost() == null
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw error.apply("The " + what + " URI must be an absolute http or https URI with a host, was " + uri);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw error.apply("The " + what + " URI must be a base URI without query or fragment, was " + uri);
      }
      return uri;
    }

    /**
     * Adds a route; the first route whose pattern matches a path is used.
     *
     * @param route the route
     * @return this builder
     */
    public Builder route(ShadowRoute route) {
      Objects.requireNonNull(route, "route");
      if (!routeNames.add(route.name())) {
        throw new IllegalArgumentException("Route '" + route.name() + "' was added twice");
      }
      routes.add(route);
      return this;
    }

    /**
     * Shadows this share of eligible requests.
     *
     * @param rate from 0 to 1
     * @return this builder
     */
    public Builder sampleRate(double rate) {
      this.sampleRate = Arguments.rate(rate, "sampleRate");
      return this;
    }

    /**
     * The most shadowed requests in flight; the excess is rejected and counted.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConcurrent(int max) {
      this.maxConcurrent = Arguments.atLeast(max, 1, "maxConcurrent");
      return this;
    }

    /**
     * Threads for the HTTP client's callbacks and the comparisons.
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder threads(int count) {
      this.threads = Arguments.atLeast(count, 1, "threads");
      return this;
    }

    /**
     * How long the candidate (and the secondary) may take to answer.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Arguments.positive(timeout, "timeout");
      return this;
    }

    /**
     * The largest response body that is read and compared, from the primary, the candidate or the secondary. A
     * primary body over it is not shadowed ({@link ShadowResult.Skip#BODY_TOO_LARGE}); a candidate's body over it is
     * aborted as soon as the cap is passed and counts as a {@code candidate_error} (a secondary's, as a secondary
     * failure), never as a mismatch.
     *
     * @param max at least 1; 1 MiB by default
     * @return this builder
     */
    public Builder maxBodyBytes(long max) {
      this.maxBodyBytes = Arguments.atLeast(max, 1L, "maxBodyBytes");
      return this;
    }

    /**
     * The thresholds that tell real differences from noise.
     *
     * @param filter the filter; {@link NoiseFilter#DEFAULTS} by default
     * @return this builder
     */
    public Builder noiseFilter(NoiseFilter filter) {
      this.noiseFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * The registry for the meters.
     *
     * @param registry the application's registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Bounds the report's memory: at most this many field paths per endpoint (the rest are gathered under
     * {@code (other fields)}) and this many sample differences per field.
     *
     * @param maxFields at least 1
     * @param samples 0 or more
     * @return this builder
     */
    public Builder reportBounds(int maxFields, int samples) {
      if (maxFields < 1 || samples < 0) {
        throw new IllegalArgumentException("maxFields must be at least 1 and samples not negative, were "
            + maxFields + " and " + samples);
      }
      this.maxFieldsPerEndpoint = maxFields;
      this.samplesPerField = samples;
      return this;
    }

    /**
     * Builds the shadow.
     *
     * @return the shadow
     * @throws IllegalStateException without a candidate or a route
     */
    public HttpShadow build() {
      if (candidate == null) {
        throw new IllegalStateException("An HTTP shadow needs a candidate URI");
      }
      if (routes.isEmpty()) {
        throw new IllegalStateException("An HTTP shadow needs at least one route");
      }
      return new HttpShadow(this);
    }
  }
}
