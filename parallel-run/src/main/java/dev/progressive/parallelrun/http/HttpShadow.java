package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.internal.Arguments;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

  private final Supplier<URI> candidate;
  private final Supplier<URI> secondary;
  private final NoiseFilter noiseFilter;
  private final ShadowAdmission admission;
  private final ShadowExchange exchange;
  private final ShadowJudge judge;
  /** Whether the last attempt to send failed before anything was sent: only the first of a run is a WARN. */
  private final AtomicBoolean sendFailing = new AtomicBoolean();
  private volatile boolean closed;

  private HttpShadow(Builder builder) {
    this.candidate = builder.candidate;
    this.secondary = builder.secondary;
    this.noiseFilter = builder.noiseFilter;
    List<ShadowRoute> routes = List.copyOf(builder.routes);
    this.admission = new ShadowAdmission(routes, builder.sampleRate, builder.maxBodyBytes, builder.maxConcurrent);
    this.exchange = new ShadowExchange(builder.threads, builder.maxConcurrent, builder.timeout, builder.maxBodyBytes);
    MeterRegistry registry = builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry();
    this.judge = new ShadowJudge(routes, registry, builder.maxFieldsPerEndpoint, builder.samplesPerField,
        builder.secondary != null);
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
      ShadowAdmission.Decision decision = admission.admit(request, primary);
      if (decision.skip() != null) {
        return CompletableFuture.completedFuture(ShadowResult.skipped(decision.routeName(), decision.skip()));
      }
      ShadowRoute route = decision.route();
      if (!decision.permitted()) {
        return CompletableFuture.completedFuture(judge.rejected(route));
      }
      CompletableFuture<ShadowResult> sent;
      try {
        sent = send(route, request, primary);
      } catch (Throwable e) {
        admission.release();
        if (sendFailing.compareAndSet(false, true)) {
          LOG.warn("HTTP shadow: could not send {} {} to the candidate; further failures are logged at DEBUG "
              + "until a request is sent again", request.method(), request.path(), e);
        } else {
          LOG.debug("HTTP shadow: could not send {} {} to the candidate", request.method(), request.path(), e);
        }
        return CompletableFuture.completedFuture(judge.candidateError(route, e));
      }
      if (sendFailing.compareAndSet(true, false)) {
        LOG.info("HTTP shadow: requests are sent to the candidate again");
      }
      // The permit goes back only when both exchanges have ended: answered, failed, or aborted at the time limit.
      return sent.whenComplete((result, error) -> admission.release());
    } catch (Throwable e) {
      LOG.warn("HTTP shadow: could not shadow {} {}", request.method(), request.path(), e);
      return CompletableFuture.completedFuture(
          new ShadowResult(null, null, ComparisonOutcome.CANDIDATE_ERROR, List.of(), List.of(), e));
    }
  }

  private CompletableFuture<ShadowResult> send(ShadowRoute route, ShadowRequest request, ShadowResponse primary) {
    // Both targets are known before anything is sent, so that a base URI that cannot be had sends nothing.
    URI candidateUri = ShadowExchange.target(base(candidate, "candidate"), request);
    URI secondaryUri = secondary == null ? null : ShadowExchange.target(base(secondary, "secondary"), request);
    long start = System.nanoTime();
    CompletableFuture<ShadowResponse> fromCandidate = exchange.send(candidateUri, request)
        .whenComplete((response, error) -> judge.candidateTook(route, System.nanoTime() - start));
    CompletableFuture<ShadowResponse> fromSecondary = secondaryUri == null
        ? CompletableFuture.completedFuture(null)
        : exchange.send(secondaryUri, request);
    return fromCandidate.handle((response, error) -> new Object[] {response, error})
        .thenCombine(fromSecondary.handle((response, error) -> new Object[] {response, error}),
            (candidateEnd, secondaryEnd) -> judge.judge(route, primary, (ShadowResponse) candidateEnd[0],
                unwrap((Throwable) candidateEnd[1]), (ShadowResponse) secondaryEnd[0],
                unwrap((Throwable) secondaryEnd[1])))
        .exceptionally(failure -> {
          // The comparison itself failed (judge counts only once it has decided): counted here, so outcomes add up.
          LOG.warn("HTTP shadow: the comparison for route '{}' failed", route.name(), failure);
          return judge.candidateError(route, failure);
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

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The report so far: per endpoint and field, raw and noise counts and the noise filter's decision. */
  public ShadowReport report() {
    return judge.report(noiseFilter);
  }

  /** The bulkhead that bounds requests in flight; not public, built from {@code maxConcurrent}. */
  Bulkhead bulkhead() {
    return admission.bulkhead();
  }

  /**
   * Stops shadowing: later requests are skipped, requests in flight are abandoned, and the call waits until the
   * threads this shadow started have ended. On Java 17 the {@link java.net.http.HttpClient}'s own selector thread
   * cannot be stopped; it ends once the client is garbage-collected.
   */
  @Override
  public void close() {
    closed = true;
    exchange.close();
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
