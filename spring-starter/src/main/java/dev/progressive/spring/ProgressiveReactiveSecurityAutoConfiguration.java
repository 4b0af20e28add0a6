package dev.progressive.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * With Spring Security in a reactive (WebFlux) application: a {@link SecurityWebFilterChain} for the Progressive
 * actuator endpoints only ({@code toggles}, {@code parallelruns}, {@code canaries}), ordered before the application's
 * chains. The same rules as the servlet chain of {@link ProgressiveActuatorAutoConfiguration}: reads need an
 * authenticated user unless {@code progressive.security.read-public} is true; writes need the role
 * {@code progressive.security.write-role}; HTTP Basic, stateless (no session is read or created, so CSRF does not
 * apply); the principal's name is the actor in the audit. It runs after Spring Boot's own reactive security, so that
 * Boot's default chain still protects the rest of the application. Replace it by declaring a bean named
 * {@code progressiveSecurityWebFilterChain}.
 */
@AutoConfiguration(after = ProgressiveActuatorAutoConfiguration.class, afterName = {
    "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration"})
@ConditionalOnClass(name = {"org.springframework.security.web.server.SecurityWebFilterChain",
    "org.springframework.security.config.web.server.ServerHttpSecurity",
    "org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest",
    "org.springframework.boot.actuate.endpoint.annotation.Endpoint"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(ServerHttpSecurity.class)
@EnableConfigurationProperties(ProgressiveSecurityProperties.class)
public class ProgressiveReactiveSecurityAutoConfiguration {

  /** Where the chain sits among the application's chains: the same place as the servlet chain. */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

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
    return http.securityMatcher(EndpointRequest.to("toggles", "parallelruns", "canaries", "releases"))
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
