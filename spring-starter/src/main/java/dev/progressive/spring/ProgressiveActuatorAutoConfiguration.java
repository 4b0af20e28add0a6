package dev.progressive.spring;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.spring.actuate.CanariesEndpoint;
import dev.progressive.spring.actuate.CanariesHealthContributor;
import dev.progressive.spring.actuate.ParallelRunsEndpoint;
import dev.progressive.spring.actuate.TogglesEndpoint;
import dev.progressive.spring.actuate.TogglesHealthContributor;
import dev.progressive.spring.actuate.TogglesRequestBodyAdvice;
import dev.progressive.spring.actuate.TogglesWebFluxBodyFilter;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequestRules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
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
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the operations side: the {@code toggles}, {@code parallelruns} and {@code canaries} actuator
 * endpoints, the health of flag sources, store and canaries, and, with Spring Security, the security of the endpoints. It runs after
 * {@link ProgressiveAutoConfiguration} and after Spring Boot's own web security, so that Boot's default security
 * of the rest of the application stays in place beside the chain added here.
 */
@AutoConfiguration(after = ProgressiveAutoConfiguration.class, afterName = {
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
public class ProgressiveActuatorAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressiveActuatorAutoConfiguration.class);

  static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

  /** The actuator endpoints. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {

    /**
     * The {@code toggles} endpoint. Its writes are on when Spring Security is on the classpath (and then need the
     * write role, see {@link SecurityConfiguration}), or when {@code progressive.security.allow-unsecured-writes}
     * is true; otherwise they answer 403, and a warning at startup says how to turn them on.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Toggles.class)
    @ConditionalOnAvailableEndpoint
    TogglesEndpoint togglesEndpoint(Toggles toggles, ProgressiveSecurityProperties security,
        ObjectProvider<ProgressiveTogglesProperties> togglesProperties, ResourceLoader resourceLoader) {
      WritePolicy policy = WritePolicy.of("toggles", "change flags", security, resourceLoader);
      ProgressiveTogglesProperties properties = togglesProperties.getIfAvailable(ProgressiveTogglesProperties::new);
      ChangeRequestRules rules = ChangeRequestRules.ofDefaults()
          .withMaxTextLength(properties.getAdmin().getMaxReasonLength());
      return new TogglesEndpoint(toggles, policy.writes(), policy.requirePrincipal(), rules);
    }

    /**
     * The {@code canaries} endpoint. Its writes are on or off exactly as the {@code toggles} endpoint's: with Spring
     * Security (and then need the write role), or with {@code progressive.security.allow-unsecured-writes}.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(CanaryRegistry.class)
    @ConditionalOnAvailableEndpoint
    CanariesEndpoint canariesEndpoint(CanaryRegistry registry, ProgressiveSecurityProperties security,
        ResourceLoader resourceLoader) {
      WritePolicy policy = WritePolicy.of("canaries", "promote, pause, resume or abort canaries", security,
          resourceLoader);
      return new CanariesEndpoint(registry, policy.writes(), policy.requirePrincipal());
    }

    /**
     * Whether an endpoint takes writes, and whether a write needs a principal: the same rule for every Progressive
     * endpoint, with the same startup warnings.
     */
    record WritePolicy(boolean writes, boolean requirePrincipal) {

      static WritePolicy of(String endpoint, String what, ProgressiveSecurityProperties security,
          ResourceLoader resourceLoader) {
        boolean securityPresent = ClassUtils.isPresent(SECURITY_CLASS, resourceLoader.getClassLoader());
        boolean writes = securityPresent || security.isAllowUnsecuredWrites();
        if (!writes) {
          LOG.warn("The {} actuator endpoint is read-only: Spring Security is not on the classpath. Add "
              + "spring-boot-starter-security to let users with role {} {}, or set "
              + "progressive.security.allow-unsecured-writes=true if the management port is protected otherwise.",
              endpoint, security.getWriteRole(), what);
        } else if (!securityPresent) {
          LOG.warn("progressive.security.allow-unsecured-writes=true: anyone who reaches the {} actuator endpoint "
              + "can {}.", endpoint, what);
        }
        return new WritePolicy(writes, securityPresent && !security.isAllowUnsecuredWrites());
      }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ParallelRunner.class)
    @ConditionalOnAvailableEndpoint
    ParallelRunsEndpoint parallelRunsEndpoint(ParallelRunner runner, ObjectProvider<HttpShadow> shadow) {
      return new ParallelRunsEndpoint(runner, shadow.getIfUnique());
    }
  }

  /**
   * Reads the write bodies of the {@code toggles} and {@code canaries} endpoints strictly under Spring MVC, and lets
   * clients send {@code "weights"} as a JSON object, as DESIGN.md's contract says. Apart from the endpoints, so that
   * an application without Spring MVC never loads the advice's class. It is there whichever of the two endpoints is
   * exposed: it acts only on requests that the actuator's own handlers take.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBean(Toggles.class)
  static class WebMvcEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TogglesRequestBodyAdvice togglesRequestBodyAdvice(ObjectProvider<WebEndpointProperties> webEndpoints) {
      WebEndpointProperties properties = webEndpoints.getIfAvailable();
      return new TogglesRequestBodyAdvice(properties == null ? "/actuator" : properties.getBasePath());
    }
  }

  /** Under WebFlux, what {@link WebMvcEndpointConfiguration} does under Spring MVC. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.web.server.WebFilter"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnBean(Toggles.class)
  static class WebFluxEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TogglesWebFluxBodyFilter togglesWebFluxBodyFilter(ObjectProvider<WebEndpointProperties> webEndpoints) {
      WebEndpointProperties properties = webEndpoints.getIfAvailable();
      return new TogglesWebFluxBodyFilter(properties == null ? "/actuator" : properties.getBasePath());
    }
  }

  /** The health of flag sources and store, as the {@code progressive} contributor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthContributor.class)
  @ConditionalOnBean(Toggles.class)
  @ConditionalOnEnabledHealthIndicator("progressive")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "progressiveHealthContributor")
    TogglesHealthContributor progressiveHealthContributor(Toggles toggles) {
      return new TogglesHealthContributor(toggles);
    }
  }

  /** The health of canary releases, as the {@code canaries} contributor: one indicator per canary. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthContributor.class)
  @ConditionalOnBean(CanaryRegistry.class)
  @ConditionalOnEnabledHealthIndicator("canaries")
  static class CanaryHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "canariesHealthContributor")
    CanariesHealthContributor canariesHealthContributor(CanaryRegistry registry) {
      return new CanariesHealthContributor(registry);
    }
  }

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
  static class SecurityConfiguration {

    /** Where the chain sits among the application's chains: before any chain that Boot or users usually add. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

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
              .requireCsrfProtectionMatcher(SecurityConfiguration::sessionAuthenticatedWrite))
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
}
