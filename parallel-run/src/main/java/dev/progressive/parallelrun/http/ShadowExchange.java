package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.internal.BoundedQueue;
import dev.progressive.parallelrun.internal.TrackingThreadFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replays a request that the primary served to another base URI (the candidate's or the secondary's), marked as
 * shadow traffic, and completes only when the exchange has ended: answered, failed, or aborted at the time limit.
 * Owns the HTTP client and the threads its callbacks and time limits run on.
 */
final class ShadowExchange implements AutoCloseable {

  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect",
      "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings",
      HttpShadow.SHADOW_HEADER.toLowerCase(Locale.ROOT));

  private final Duration timeout;
  private final long maxBodyBytes;
  private final TrackingThreadFactory threadFactory;
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor timer;
  private final HttpClient client;

  /**
   * @param threads threads for the client's callbacks
   * @param maxConcurrent the most exchanges in flight (bounded by the caller), which sizes the callbacks' queue
   * @param timeout the time limit of one exchange, and the connect timeout
   * @param maxBodyBytes the largest response body read; a larger one aborts the exchange
   */
  ShadowExchange(int threads, int maxConcurrent, Duration timeout, long maxBodyBytes) {
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.threadFactory = new TrackingThreadFactory("progressive-http-shadow");
    // The client's callbacks run here: a few per request in flight, and requests in flight are bounded by the
    // bulkhead, so the queue bound is never the limit in practice; if it were, the selector thread runs the task.
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new BoundedQueue(Math.max(64, maxConcurrent * 8)), threadFactory, new ThreadPoolExecutor.CallerRunsPolicy());
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    this.timer.setRemoveOnCancelPolicy(true);
    this.client = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
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
  CompletableFuture<ShadowResponse> send(URI target, ShadowRequest request) {
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
    builder.header(HttpShadow.SHADOW_HEADER, "true");
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

  /**
   * Abandons the exchanges in flight and waits until the threads started here have ended. On Java 17 the
   * {@link HttpClient}'s own selector thread cannot be stopped; it ends once the client is garbage-collected.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threadFactory.joinAll(Duration.ofSeconds(5));
  }
}
