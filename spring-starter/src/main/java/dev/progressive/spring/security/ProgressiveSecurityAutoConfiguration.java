package dev.progressive.spring.security;

import dev.progressive.spring.ProgressiveSecurityProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Auto-configuration of the security of the Progressive actuator endpoints ({@code toggles}, {@code parallelruns},
 * {@code canaries}), with Spring Security: a filter chain for these endpoints only, ordered before the application's
 * chains, in a servlet application ({@code progressiveSecurityFilterChain}) or a reactive one
 * ({@code progressiveSecurityWebFilterChain}). Reads need an authenticated user unless
 * {@code progressive.security.read-public} is true; writes need the role {@code progressive.security.write-role}. It
 * runs after Spring Boot's own web security, so that Boot's default security of the rest of the application stays in
 * place beside the chain added here.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.security.config.Customizer")
@EnableConfigurationProperties(ProgressiveSecurityProperties.class)
public class ProgressiveSecurityAutoConfiguration {

  /**
   * Where the chains sit among the application's chains: before any chain that Boot or users usually add. The ops
   * console's chain comes just after.
   */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

  /**
   * With Spring Security in a servlet application: a filter chain for the Progressive endpoints only, ordered before
   * the application's chains. Reads need an authenticated user unless {@code progressive.security.read-public} is
   * true; writes need the role {@code progressive.security.write-role}. Authentication is HTTP Basic, stateless (no
   * session is created), or the session of a user who logged in to the ops console; a write authenticated by that
   * session cookie (no {@code Authorization} header) needs the CSRF token of the {@code XSRF-TOKEN} cookie in the
   * {@code X-XSRF-TOKEN} header. Replace it by declaring a bean named {@code progressiveSecurityFilterChain}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class, EndpointRequest.class})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBean(HttpSecurity.class)
  static class ServletSecurityConfiguration {

    @Bean
    @Order(ORDER)
    @ConditionalOnMissingBean(name = "progressiveSecurityFilterChain")
    SecurityFilterChain progressiveSecurityFilterChain(HttpSecurity http, ProgressiveSecurityProperties security)
        throws Exception {
      RequestMatcher reads = request -> "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
      http.securityMatcher(EndpointRequest.to("toggles", "parallelruns", "canaries", "releases"))
          .authorizeHttpRequests(authorize -> {
            if (security.isReadPublic()) {
              authorize.requestMatchers(reads).permitAll();
            } else {
              authorize.requestMatchers(reads).authenticated();
            }
            authorize.anyRequest().hasRole(security.getWriteRole());
          })
          .httpBasic(Customizer.withDefaults())
          .csrf(csrf -> csrf
              .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
              .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
              .requireCsrfProtectionMatcher(ServletSecurityConfiguration::sessionAuthenticatedWrite))
          .securityContext(context -> context.securityContextRepository(new DelegatingSecurityContextRepository(
              new RequestAttributeSecurityContextRepository(), new SessionReadingSecurityContextRepository())))
          .requestCache(cache -> cache.requestCache(new NullRequestCache()))
          .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.NEVER));
      return http.build();
    }

    /**
     * Whether a request needs a CSRF token: a write (not GET, HEAD, OPTIONS or TRACE) that comes with a session cookie
     * and without an {@code Authorization} header. Only such a request can be authenticated by a cookie that a browser
     * adds by itself (the ops console's session); HTTP Basic and bearer clients name themselves in every request.
     */
    static boolean sessionAuthenticatedWrite(HttpServletRequest request) {
      String method = request.getMethod();
      boolean safe = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
          || "TRACE".equals(method);
      boolean session = request.getRequestedSessionId() != null || request.getSession(false) != null;
      return !safe && session && request.getHeader(HttpHeaders.AUTHORIZATION) == null;
    }

    /**
     * Reads the user of an existing session (the ops console's login) and never writes one: a request authenticated by
     * HTTP Basic stays stateless, and no session is ever created for the endpoints.
     *
     * <p>A request with an {@code Authorization} header is judged by that header alone, never by a session cookie
     * that comes with it: such a request needs no CSRF token (see {@link #sessionAuthenticatedWrite}), so the session
     * must not vouch for it. Otherwise a header that proves nothing (a bearer token that this chain does not check,
     * or HTTP Basic with the session user's name and a wrong password, which Spring Security does not check again
     * for a user it already has) would write as the session's user without a token.
     */
    static final class SessionReadingSecurityContextRepository implements SecurityContextRepository {

      private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

      SessionReadingSecurityContextRepository() {
        sessions.setAllowSessionCreation(false);
      }

      @Override
      public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
          return NoSessionContext.INSTANCE;
        }
        return sessions.loadDeferredContext(request);
      }

      @Override
      @SuppressWarnings("deprecation")
      public org.springframework.security.core.context.SecurityContext loadContext(
          HttpRequestResponseHolder requestResponseHolder) {
        return loadDeferredContext(requestResponseHolder.getRequest()).get();
      }

      @Override
      public void saveContext(org.springframework.security.core.context.SecurityContext context,
          HttpServletRequest request, HttpServletResponse response) {
        // never: the endpoints do not log anyone in
      }

      @Override
      public boolean containsContext(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.AUTHORIZATION) == null && sessions.containsContext(request);
      }
    }

    /** No user from the session: the request's {@code Authorization} header alone says who it is. */
    private enum NoSessionContext implements DeferredSecurityContext {
      INSTANCE;

      @Override
      public org.springframework.security.core.context.SecurityContext get() {
        return SecurityContextHolder.createEmptyContext();
      }

      @Override
      public boolean isGenerated() {
        return true;
      }
    }
  }

  /**
   * With Spring Security in a reactive (WebFlux) application: a {@link SecurityWebFilterChain} with the same rules
   * as the servlet chain: HTTP Basic, stateless (no session is read or created, so CSRF does not apply); the
   * principal's name is the actor in the audit. Replace it by declaring a bean named
   * {@code progressiveSecurityWebFilterChain}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.security.web.server.SecurityWebFilterChain",
      "org.springframework.security.config.web.server.ServerHttpSecurity",
      "org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest",
      "org.springframework.boot.actuate.endpoint.annotation.Endpoint"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnBean(ServerHttpSecurity.class)
  static class ReactiveSecurityConfiguration {

    private static final ServerWebExchangeMatcher READS = exchange -> {
      HttpMethod method = exchange.getRequest().getMethod();
      return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
          ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
    };

    @Bean
    @Order(ORDER)
    @ConditionalOnMissingBean(name = "progressiveSecurityWebFilterChain")
    SecurityWebFilterChain progressiveSecurityWebFilterChain(ServerHttpSecurity http,
        ProgressiveSecurityProperties security) {
      return http.securityMatcher(org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest
              .to("toggles", "parallelruns", "canaries", "releases"))
          .authorizeExchange(authorize -> {
            if (security.isReadPublic()) {
              authorize.matchers(READS).permitAll();
            } else {
              authorize.matchers(READS).authenticated();
            }
            authorize.anyExchange().hasRole(security.getWriteRole());
          })
          .httpBasic(Customizer.withDefaults())
          .csrf(ServerHttpSecurity.CsrfSpec::disable)
          .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
          .build();
    }
  }
}
