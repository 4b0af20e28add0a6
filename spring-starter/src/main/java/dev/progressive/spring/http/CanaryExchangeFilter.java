package dev.progressive.spring.http;

import dev.progressive.canary.Cohort;
import dev.progressive.canary.CallOutcome;
import dev.progressive.spring.http.CanaryHttpRouting.Route;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * The {@code WebClient} side of {@link CanaryHttpRouting}: routes and records the requests of configured clients as
 * the {@code RestClient} interceptor does. When neither the outgoing request nor the calling thread gives a key, the
 * authenticated principal of the reactive context (Spring Security's {@code ReactiveSecurityContextHolder}) is the
 * key, so that a WebFlux application that calls from its handlers routes by user.
 *
 * <pre>{@code
 * WebClient pricing = WebClient.builder().filter(new CanaryExchangeFilter(routing, "pricing")).build();
 * }</pre>
 *
 * <p>The duration of a call runs from subscription until the answer's status and headers arrive; a cancelled call
 * (say, by a time-out operator downstream) is not recorded.
 */
public final class CanaryExchangeFilter implements ExchangeFilterFunction {

  private static final boolean REACTIVE_SECURITY = CanaryHttpRouting.SECURITY && ClassUtils.isPresent(
      "org.springframework.security.core.context.ReactiveSecurityContextHolder",
      CanaryExchangeFilter.class.getClassLoader());

  private final List<RoutedClient> clients;

  /**
   * The filter of one configured client.
   *
   * @throws IllegalArgumentException when no client has that name
   */
  public CanaryExchangeFilter(CanaryHttpRouting routing, String clientName) {
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(clientName, "clientName");
    this.clients = List.of(routing.client(clientName));
  }

  /** The filter of every configured client: what {@link CanaryWebClientCustomizer} adds to each builder. */
  public CanaryExchangeFilter(CanaryHttpRouting routing) {
    this.clients = Objects.requireNonNull(routing, "routing").all();
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    String uri = request.url().toString();
    RoutedClient client = CanaryHttpRouting.match(uri, clients);
    if (client == null) {
      return next.exchange(request);
    }
    UnaryOperator<String> headers = name -> request.headers().getFirst(name);
    Cohort explicit = CanaryHttpRouting.explicitCohort(headers);
    String key = CanaryHttpRouting.key(client, headers);
    if (key != null || explicit != null || !REACTIVE_SECURITY) {
      return exchange(CanaryHttpRouting.route(client, uri, key, explicit), request, next);
    }
    return ReactivePrincipal.name()
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(name -> exchange(CanaryHttpRouting.route(client, uri, name.orElse(null), null), request, next));
  }

  private static Mono<ClientResponse> exchange(Route route, ClientRequest request, ExchangeFunction next) {
    ClientRequest routed = route.canaryUri() == null ? request : ClientRequest.from(request).url(route.canaryUri())
        .build();
    return Mono.defer(() -> {
      long start = System.nanoTime();
      AtomicBoolean recorded = new AtomicBoolean();
      return next.exchange(routed)
          .doOnNext(response -> {
            if (recorded.compareAndSet(false, true)) {
              route.record(start, response.statusCode().is5xxServerError() ? CallOutcome.ERROR : CallOutcome.SUCCESS);
            }
          })
          .doOnError(error -> {
            if (recorded.compareAndSet(false, true)) {
              route.record(start, CallOutcome.ERROR);
            }
          });
    });
  }

  /** Kept apart so that Spring Security is needed only when it is present. */
  private static final class ReactivePrincipal {
    static Mono<String> name() {
      return org.springframework.security.core.context.ReactiveSecurityContextHolder.getContext()
          .mapNotNull(context -> CanaryHttpRouting.Security.name(context.getAuthentication()));
    }
  }
}
