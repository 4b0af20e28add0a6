package dev.progressive.toggles.internal.source;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fetches a remote document with a conditional GET ({@code If-None-Match} with the last ETag), retried with
 * exponential backoff inside a circuit breaker, and turns every failure into an {@link IOException} that names the
 * URL without its query or user info.
 */
public final class GuardedFetch {

  private final URI uri;
  private final String safeUrl;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final HttpClient client;
  private final Supplier<String> etag;
  private final CircuitBreaker circuitBreaker;
  private final CheckedSupplier<HttpResponse<String>> guarded;

  /**
   * Sets up the retry and the circuit breaker around one exchange.
   *
   * @param uri the document's URL
   * @param safeUrl the URL without secrets, for messages and the Resilience4j names
   * @param timeout how long each request may take
   * @param headers sent with every request
   * @param client sends the requests
   * @param retryAttempts attempts per fetch, at least 1
   * @param retryBackoff the first wait between attempts, doubled each time
   * @param circuitBreaker the circuit breaker's configuration
   * @param etag gives the ETag of the document held now, or {@code null}; read before each attempt
   */
  public GuardedFetch(URI uri, String safeUrl, Duration timeout, Map<String, String> headers, HttpClient client,
      int retryAttempts, Duration retryBackoff, CircuitBreakerConfig circuitBreaker, Supplier<String> etag) {
    this.uri = uri;
    this.safeUrl = safeUrl;
    this.timeout = timeout;
    this.headers = Map.copyOf(headers);
    this.client = client;
    this.etag = etag;
    RetryConfig retryConfig = RetryConfig.custom()
        .maxAttempts(retryAttempts)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(retryBackoff, 2.0))
        .retryOnException(GuardedFetch::worthRetrying)
        .build();
    Retry retry = Retry.of(safeUrl, retryConfig);
    this.circuitBreaker = CircuitBreaker.of(safeUrl, circuitBreaker);
    this.guarded = this.circuitBreaker.decorateCheckedSupplier(retry.decorateCheckedSupplier(this::fetchOnce));
  }

  /**
   * The default circuit breaker: it opens when half of the last 10 polls failed (after at least 5), stays open 30 s,
   * then lets one trial poll decide whether it closes.
   */
  public static CircuitBreakerConfig defaultCircuitBreaker() {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)
        .waitDurationInOpenState(Duration.ofSeconds(30))
        .permittedNumberOfCallsInHalfOpenState(1)
        .build();
  }

  /** The circuit breaker's state. */
  public CircuitBreaker.State circuitState() {
    return circuitBreaker.getState();
  }

  /**
   * One guarded fetch: the circuit breaker around the retries.
   *
   * @return a 2xx response with a body (not 204), or a 304
   * @throws IOException for every failure, with a clear message
   */
  public HttpResponse<String> fetch() throws IOException {
    try {
      return guarded.get();
    } catch (CallNotPermittedException e) {
      throw new IOException("the circuit breaker for " + safeUrl + " is open after repeated failures; the server is "
          + "not called until it lets a trial poll through", e);
    } catch (StatusException e) {
      throw new IOException(e.getMessage(), e);
    } catch (HttpTimeoutException e) {
      throw new IOException("GET " + safeUrl + " timed out after " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("GET " + safeUrl + " was interrupted", e);
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("GET " + safeUrl + " failed: " + describe(e), e);
    }
  }

  /**
   * The first message in a cause chain, with its exception's simple name (the JDK's {@code ConnectException} has
   * none of its own), and with the URL's query and user info masked should a message repeat the URL.
   */
  private String describe(Throwable e) {
    String text = e.getClass().getSimpleName();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        text = c.getClass().getSimpleName() + ": " + c.getMessage();
        break;
      }
    }
    text = text.replace(uri.toString(), safeUrl);
    if (uri.getRawQuery() != null) {
      text = text.replace(uri.getRawQuery(), "<query>");
    }
    if (uri.getRawUserInfo() != null) {
      text = text.replace(uri.getRawUserInfo(), "<user>");
    }
    return text;
  }

  /** One HTTP exchange, without retry. */
  private HttpResponse<String> fetchOnce() throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    if (headers.keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
      request.header("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1");
    }
    headers.forEach(request::header);
    String knownEtag = etag.get();
    if (knownEtag != null) {
      request.header("If-None-Match", knownEtag);
    }
    // The body is capped while it arrives: a huge answer is refused before it is held whole.
    HttpResponse<String> response = client.send(request.build(), BoundedText.handler("GET " + safeUrl));
    int status = response.statusCode();
    if (status == 304 || (status >= 200 && status < 300 && status != 204)) {
      return response;
    }
    throw new StatusException(status, "GET " + safeUrl + " answered HTTP " + status);
  }

  /** Whether a failed attempt is worth retrying: network errors, 5xx, 408 and 429, not other client errors. */
  private static boolean worthRetrying(Throwable e) {
    if (BoundedText.tooLarge(e)) {
      return false; // the same document again would be as large
    }
    if (e instanceof StatusException s) {
      return s.status >= 500 || s.status == 408 || s.status == 429;
    }
    return e instanceof IOException;
  }

  /** A response whose status is neither 2xx nor 304. */
  private static final class StatusException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    StatusException(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
