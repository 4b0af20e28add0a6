package dev.progressive.spring.console;

import dev.progressive.spring.ProgressiveSecurityProperties;
import dev.progressive.spring.canary.ProgressiveCanaryEndpointAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunEndpointAutoConfiguration;
import dev.progressive.spring.security.ProgressiveSecurityAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesEndpointAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The ops console: a page at {@code progressive.console.path} (default {@code /progressive}) that shows and changes
 * flags, canaries and parallel runs through the Progressive actuator endpoints, and nothing else. On only with
 * {@code progressive.console.enabled=true}, in servlet applications with Spring MVC.
 *
 * <p>With Spring Security, the console has its own filter chain: every page needs an authenticated user, who logs
 * in with a form (a session), and the page then calls the actuator with that session; the Progressive actuator chain
 * reads the session and requires a CSRF token (the {@code XSRF-TOKEN} cookie sent back as {@code X-XSRF-TOKEN}) for
 * writes that carry no {@code Authorization} header. Without Spring Security the page is open, as the actuator's
 * reads are, and changes only when {@code progressive.security.allow-unsecured-writes} is true.
 */
@AutoConfiguration(after = {ProgressiveSecurityAutoConfiguration.class, ProgressiveTogglesEndpointAutoConfiguration.class,
    ProgressiveCanaryEndpointAutoConfiguration.class, ProgressiveParallelRunEndpointAutoConfiguration.class}, afterName = {
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnProperty(prefix = "progressive.console", name = "enabled", havingValue = "true")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@EnableConfigurationProperties({ProgressiveConsoleProperties.class, ProgressiveSecurityProperties.class})
public class ProgressiveConsoleAutoConfiguration {

  static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

  /** The page, its files and {@code <path>/me}. */
  @Bean
  @ConditionalOnMissingBean(name = "progressiveConsoleRoutes")
  RouterFunction<ServerResponse> progressiveConsoleRoutes(ProgressiveConsoleProperties console,
      ObjectProvider<WebEndpointProperties> webEndpoints, ConsoleUsers users) {
    WebEndpointProperties endpoints = webEndpoints.getIfAvailable();
    String actuator = endpoints == null ? "/actuator" : endpoints.getBasePath();
    return ConsoleRoutes.of(console.checkedPath(), actuator, console.checkedPollInterval(), users);
  }

  /** A strict Content-Security-Policy and no caching on every console response. */
  @Bean
  @ConditionalOnMissingBean(name = "progressiveConsoleHeadersFilter")
  FilterRegistrationBean<ConsoleHeadersFilter> progressiveConsoleHeadersFilter(ProgressiveConsoleProperties console) {
    String path = console.checkedPath();
    FilterRegistrationBean<ConsoleHeadersFilter> registration = new FilterRegistrationBean<>(
        new ConsoleHeadersFilter());
    registration.addUrlPatterns(path, path + "/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    registration.setName("progressiveConsoleHeadersFilter");
    return registration;
  }

  /** Without Spring Security: everyone is {@code anonymous}, and may change only with unsecured writes allowed. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass(SECURITY_CLASS)
  static class OpenConsoleConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsoleUsers progressiveConsoleUsers(ProgressiveSecurityProperties security) {
      return request -> new ConsoleUsers.User("anonymous", security.isAllowUnsecuredWrites());
    }
  }

  /** With Spring Security: the user as Spring Security knows them. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = SECURITY_CLASS)
  static class SecuredConsoleConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsoleUsers progressiveConsoleUsers(ProgressiveSecurityProperties security) {
      String authority = "ROLE_" + security.getWriteRole();
      return request -> {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
            || authentication instanceof AnonymousAuthenticationToken) {
          return new ConsoleUsers.User("anonymous", false);
        }
        boolean canWrite = authentication.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .anyMatch(authority::equals);
        return new ConsoleUsers.User(authentication.getName(), canWrite);
      };
    }

  }

  /**
   * The console's filter chain: form login, a session, CSRF with a cookie token. Replace it by declaring a bean named
   * {@code progressiveConsoleSecurityFilterChain}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = SECURITY_CLASS)
  @ConditionalOnBean(HttpSecurity.class)
  static class ConsoleFilterChainConfiguration {

    /** Just after the Progressive actuator chain; the two match different paths. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 101;

    @Bean
    @Order(ORDER)
    @ConditionalOnMissingBean(name = "progressiveConsoleSecurityFilterChain")
    SecurityFilterChain progressiveConsoleSecurityFilterChain(HttpSecurity http, ProgressiveConsoleProperties console)
        throws Exception {
      String path = console.checkedPath();
      PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
      RequestMatcher me = paths.matcher(path + "/me");
      http.securityMatcher(paths.matcher(path + "/**"))
          .authorizeHttpRequests(authorize -> authorize
              .requestMatchers(paths.matcher(path + "/login"), paths.matcher(path + "/login.js"),
                  paths.matcher(path + "/js/cookies.js"), // the one module login.js imports
                  paths.matcher(path + "/console.css"), paths.matcher(path + "/favicon.svg"))
              .permitAll()
              .anyRequest().authenticated())
          .formLogin(form -> form
              .loginPage(path + "/login")
              .loginProcessingUrl(path + "/login")
              .defaultSuccessUrl(path + "/", true)
              .failureUrl(path + "/login?error"))
          .logout(logout -> logout
              .logoutRequestMatcher(paths.matcher(HttpMethod.POST, path + "/logout"))
              .logoutSuccessUrl(path + "/login?logout"))
          .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint(path, me)))
          .csrf(csrf -> csrf
              .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
              .csrfTokenRequestHandler(eagerPlainCsrfTokens()));
      return http.build();
    }

    /** The page's own call ({@code me}) gets 401; anything else goes to the login form. */
    private static AuthenticationEntryPoint entryPoint(String path, RequestMatcher me) {
      AuthenticationEntryPoint unauthorized = new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED);
      AuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint(path + "/login");
      return (request, response, e) -> (me.matches(request) ? unauthorized : login).commence(request, response, e);
    }

    /**
     * Takes the token as it is (the page reads the cookie, so the token is never part of a response body and needs no
     * masking against BREACH) and loads it on every request, so that the cookie is set as soon as the page or the
     * login form is served.
     */
    private static CsrfTokenRequestAttributeHandler eagerPlainCsrfTokens() {
      CsrfTokenRequestAttributeHandler handler = new CsrfTokenRequestAttributeHandler();
      handler.setCsrfRequestAttributeName(null);
      return handler;
    }
  }
}
