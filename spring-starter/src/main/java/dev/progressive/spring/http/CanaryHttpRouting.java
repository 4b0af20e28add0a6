package dev.progressive.spring.http;

import dev.progressive.canary.Canary;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.CallOutcome;
import dev.progressive.spring.canary.ProgressiveCanaryProperties;
import dev.progressive.spring.canary.CanaryRegistry;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.springframework.core.env.PropertyResolver;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Routes the HTTP calls of named clients to a baseline or a canary base URL by a canary's decision, and records each
 * call's outcome with the canary, for its judge and the {@code progressive.canary.requests} meter.
 *
 * <p>A request whose URL starts with a client's baseline URL ({@code progressive.canary.http-clients.<name>.
 * baseline-url}) is decided by the client's canary: {@link Cohort#CANARY} rewrites that prefix to the canary URL,
 * {@link Cohort#BASELINE} leaves the request as it is. Other requests pass through untouched. So the application
 * keeps calling the baseline URL and only adds properties.
 *
 * <p>The sticky key is, in this order: the outgoing request's key header ({@code X-Canary-Key} by default); the same
 * header of the inbound servlet request being handled on the calling thread; the authenticated principal's name
 * (Spring Security's, of the calling thread or, for {@code WebClient}, of the reactive context). A request without a
 * key goes to the baseline: no key, no canary. The header {@value #COHORT_HEADER} ({@code canary} or
 * {@code baseline}), on the outgoing request or else on the inbound one, picks the side explicitly; other values are
 * ignored.
 *
 * <p>Each routed call is recorded on its side: an answer with a 5xx status, or an exception (an I/O error, a
 * time-out), is an error; any other answer a success. The duration runs until the answer's status and headers
 * arrive. Exceptions reach the caller unchanged. A failed canary call is <em>not</em> retried on the baseline: the
 * request may have had effects (a POST, say), so the caller decides whether to retry.
 *
 * <p>{@link #interceptor(String)} gives the {@code RestClient} interceptor of one client, for builders the
 * application makes itself; {@link CanaryExchangeFilter} is the {@code WebClient} counterpart. The builders of
 * Spring Boot get both through {@link CanaryRestClientCustomizer} and {@link CanaryWebClientCustomizer}.
 */
public final class CanaryHttpRouting {

  /** The prefix of the clients' properties. */
  public static final String PREFIX = "progressive.canary.http-clients.";

  /** The default header of the sticky key. */
  public static final String DEFAULT_KEY_HEADER = "X-Canary-Key";

  /** The header that picks a side explicitly: {@code canary} or {@code baseline}. */
  public static final String COHORT_HEADER = "X-Canary-Cohort";

  private static final ClassLoader LOADER = CanaryHttpRouting.class.getClassLoader();
  private static final boolean SERVLET = ClassUtils.isPresent(
      "org.springframework.web.context.request.RequestContextHolder", LOADER)
      && ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", LOADER);
  static final boolean SECURITY = ClassUtils.isPresent(
      "org.springframework.security.core.context.SecurityContextHolder", LOADER);

  private final Map<String, RoutedClient> clients;
  private final List<RoutedClient> all;

  /**
   * Routing for the configured clients.
   *
   * @param clients the clients by name, as in {@code progressive.canary.http-clients}
   * @param registry where the clients' canaries are found by name
   * @param resolver resolves {@code ${...}} placeholders of the URLs on first use (the application's environment)
   * @throws IllegalArgumentException naming the property at fault: a missing canary name or URL, an unknown canary,
   *     a URL that is not an absolute http(s) base URL, a blank key header
   */
  public CanaryHttpRouting(Map<String, ProgressiveCanaryProperties.HttpClient> clients, CanaryRegistry registry,
      PropertyResolver resolver) {
    Objects.requireNonNull(clients, "clients");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(resolver, "resolver");
    Map<String, RoutedClient> byName = new LinkedHashMap<>();
    clients.forEach((name, client) -> byName.put(name, client(name, client, registry, resolver)));
    this.clients = Collections.unmodifiableMap(byName);
    this.all = List.copyOf(byName.values());
  }

  private static RoutedClient client(String name, ProgressiveCanaryProperties.HttpClient client,
      CanaryRegistry registry, PropertyResolver resolver) {
    String property = PREFIX + name + ".";
    if (client == null) {
      throw new IllegalArgumentException(property + "canary, baseline-url and canary-url are required");
    }
    String canaryName = client.getCanary();
    if (canaryName == null || canaryName.isBlank()) {
      throw new IllegalArgumentException(property + "canary is required: the name of the canary that routes the "
          + "calls of HTTP client '" + name + "'");
    }
    Canary canary = registry.find(canaryName.trim()).orElseThrow(() -> new IllegalArgumentException(property
        + "canary: HTTP client '" + name + "' names the canary '" + canaryName + "', and there is none (configure "
        + "progressive.canary.canaries." + canaryName + " or declare a Canary bean); known: "
        + registry.all().keySet()));
    String baseline = required(client.getBaselineUrl(), property + "baseline-url");
    String canaryUrl = required(client.getCanaryUrl(), property + "canary-url");
    String keyHeader = client.getKeyHeader();
    if (keyHeader == null || keyHeader.isBlank()) {
      throw new IllegalArgumentException(property + "key-header must not be blank (default "
          + DEFAULT_KEY_HEADER + ")");
    }
    RoutedClient routed = new RoutedClient(name, canary, baseline, canaryUrl, keyHeader.trim(), resolver);
    routed.validateEarly();
    return routed;
  }

  private static String required(String value, String property) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(property + " is required");
    }
    return value.trim();
  }

  /** The names of the configured clients. */
  public Set<String> clientNames() {
    return clients.keySet();
  }

  /** The interceptor of every configured client: what {@link CanaryRestClientCustomizer} adds to each builder. */
  public ClientHttpRequestInterceptor interceptor() {
    return new Interceptor(all);
  }

  /**
   * The interceptor of one client, for a {@code RestClient.Builder} or {@code RestTemplate} of the application's
   * own: {@code RestClient.builder().requestInterceptor(routing.interceptor("pricing"))}.
   *
   * @throws IllegalArgumentException when no client has that name
   */
  public ClientHttpRequestInterceptor interceptor(String clientName) {
    return new Interceptor(List.of(client(clientName)));
  }

  RoutedClient client(String clientName) {
    RoutedClient client = clients.get(clientName);
    if (client == null) {
      throw new IllegalArgumentException("no HTTP client '" + clientName + "' under " + PREFIX + "*; configured: "
          + clients.keySet());
    }
    return client;
  }

  List<RoutedClient> all() {
    return all;
  }

  /** The client whose baseline URL is the longest prefix of {@code uri}, or null. */
  static RoutedClient match(String uri, Collection<RoutedClient> candidates) {
    RoutedClient best = null;
    int bestLength = -1;
    for (RoutedClient client : candidates) {
      if (client.matches(uri)) {
        int length = client.urls().baseline().length();
        if (length > bestLength) {
          best = client;
          bestLength = length;
        }
      }
    }
    return best;
  }

  /**
   * The sticky key from the outgoing request's header, the inbound servlet request's header or the calling thread's
   * principal; null when there is none.
   */
  static String key(RoutedClient client, UnaryOperator<String> outgoingHeader) {
    String key = nonBlank(outgoingHeader.apply(client.keyHeader()));
    if (key == null && SERVLET) {
      key = nonBlank(Inbound.header(client.keyHeader()));
    }
    if (key == null && SECURITY) {
      key = nonBlank(Security.principalName());
    }
    return key;
  }

  /** The explicit side from the outgoing request's cohort header, else the inbound one's; null when none. */
  static Cohort explicitCohort(UnaryOperator<String> outgoingHeader) {
    Cohort cohort = cohort(outgoingHeader.apply(COHORT_HEADER));
    if (cohort == null && SERVLET) {
      cohort = cohort(Inbound.header(COHORT_HEADER));
    }
    return cohort;
  }

  private static Cohort cohort(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "canary" -> Cohort.CANARY;
      case "baseline" -> Cohort.BASELINE;
      default -> null;
    };
  }

  static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Decides one request of a client: without a key and without an explicit side, the baseline. */
  static Route route(RoutedClient client, String uri, String key, Cohort explicit) {
    Cohort cohort;
    if (explicit != null) {
      cohort = explicit;
    } else if (key == null) {
      cohort = Cohort.BASELINE;
    } else {
      cohort = client.canary().decide(key);
    }
    URI target = cohort == Cohort.CANARY ? client.toCanary(uri) : null;
    return new Route(client.canary(), cohort, target);
  }

  /**
   * A decided request.
   *
   * @param canary the canary that decided it
   * @param cohort the side
   * @param canaryUri the URI on the canary side, null for the baseline (the request is left as it is)
   */
  record Route(Canary canary, Cohort cohort, URI canaryUri) {

    void record(long startNanos, CallOutcome outcome) {
      canary.record(cohort, Duration.ofNanos(System.nanoTime() - startNanos), outcome);
    }
  }

  /** The {@code RestClient} side. */
  private static final class Interceptor implements ClientHttpRequestInterceptor {

    private final List<RoutedClient> clients;

    Interceptor(List<RoutedClient> clients) {
      this.clients = clients;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
        throws IOException {
      String uri = request.getURI().toString();
      RoutedClient client = match(uri, clients);
      if (client == null) {
        return execution.execute(request, body);
      }
      UnaryOperator<String> headers = name -> request.getHeaders().getFirst(name);
      Route route = route(client, uri, key(client, headers), explicitCohort(headers));
      HttpRequest routed = route.canaryUri() == null ? request : new HttpRequestWrapper(request) {
        @Override
        public URI getURI() {
          return route.canaryUri();
        }
      };
      long start = System.nanoTime();
      ClientHttpResponse response;
      CallOutcome outcome;
      try {
        response = execution.execute(routed, body);
        outcome = response.getStatusCode().is5xxServerError() ? CallOutcome.ERROR : CallOutcome.SUCCESS;
      } catch (IOException | RuntimeException e) {
        route.record(start, CallOutcome.ERROR);
        throw e;
      }
      route.record(start, outcome);
      return response;
    }
  }

  /** Kept apart so that the servlet API is needed only when it is present. */
  private static final class Inbound {
    static String header(String name) {
      RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
      return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest().getHeader(name) : null;
    }
  }

  /** Kept apart so that Spring Security is needed only when it is present. */
  static final class Security {
    static String principalName() {
      return name(org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication());
    }

    static String name(org.springframework.security.core.Authentication authentication) {
      if (authentication == null || !authentication.isAuthenticated()
          || authentication instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
        return null;
      }
      Principal principal = authentication;
      return principal.getName();
    }
  }
}
