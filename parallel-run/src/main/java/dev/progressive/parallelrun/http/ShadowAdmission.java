package dev.progressive.parallelrun.http;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether a request the primary served is shadowed: a route that matches its path and allows its method,
 * the sample, the primary's body size, and last a permit of the bulkhead that bounds the requests in flight.
 */
final class ShadowAdmission {

  /**
   * What was decided: a route and a permit ({@code skip} null, {@code permitted} true), a route without a permit
   * (rejected), or a reason to skip.
   */
  record Decision(ShadowRoute route, ShadowResult.Skip skip, boolean permitted) {
    String routeName() {
      return route == null ? null : route.name();
    }
  }

  private final List<ShadowRoute> routes;
  private final double sampleRate;
  private final long maxBodyBytes;
  private final Bulkhead bulkhead;

  ShadowAdmission(List<ShadowRoute> routes, double sampleRate, long maxBodyBytes, int maxConcurrent) {
    this.routes = List.copyOf(routes);
    this.sampleRate = sampleRate;
    this.maxBodyBytes = maxBodyBytes;
    this.bulkhead = Bulkhead.of("http-shadow", BulkheadConfig.custom()
        .maxConcurrentCalls(maxConcurrent).maxWaitDuration(Duration.ZERO).build());
  }

  /** Decides; a decision with a permit must be followed by one {@link #release()}. */
  Decision admit(ShadowRequest request, ShadowResponse primary) {
    ShadowRoute route = route(request);
    if (route == null) {
      return new Decision(null, ShadowResult.Skip.NO_ROUTE, false);
    }
    if (!route.allows(request.method())) {
      return new Decision(route, ShadowResult.Skip.METHOD_NOT_ALLOWED, false);
    }
    if (sampleRate < 1.0 && ThreadLocalRandom.current().nextDouble() >= sampleRate) {
      return new Decision(route, ShadowResult.Skip.NOT_SAMPLED, false);
    }
    if (primary.body().length > maxBodyBytes) {
      return new Decision(route, ShadowResult.Skip.BODY_TOO_LARGE, false);
    }
    return new Decision(route, null, bulkhead.tryAcquirePermission());
  }

  /** The first route whose pattern matches the request's path, without its query; null when none does. */
  private ShadowRoute route(ShadowRequest request) {
    String path = request.pathWithoutQuery();
    for (ShadowRoute route : routes) {
      if (route.matchesPath(path)) {
        return route;
      }
    }
    return null;
  }

  /** Gives back the permit of an admitted request once its exchanges have ended. */
  void release() {
    bulkhead.onComplete();
  }

  Bulkhead bulkhead() {
    return bulkhead;
  }
}
