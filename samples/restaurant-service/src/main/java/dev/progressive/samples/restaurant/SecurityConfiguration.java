package dev.progressive.samples.restaurant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what.
 *
 * <ul>
 *   <li>The service's own API (restaurants, menus, quotes, orders, the downstream pricing service) is open.</li>
 *   <li>{@code /actuator/health} and {@code /actuator/prometheus} are open, for probes and Prometheus.</li>
 *   <li>The other actuator endpoints need a user, with HTTP Basic. The starter's own chain,
 *       {@code progressiveSecurityFilterChain}, comes first for {@code toggles}, {@code canaries} and
 *       {@code parallelruns}: reads need a user, writes the role {@code PROGRESSIVE_ADMIN}.</li>
 *   <li>Changing a knob ({@code POST /knobs/...}) needs the role {@code PROGRESSIVE_ADMIN} too.</li>
 * </ul>
 *
 * <p>Two users: {@code ops} (role {@code PROGRESSIVE_ADMIN}, password from the environment variable
 * {@code PROGRESSIVE_OPS_PASSWORD}) and {@code viewer} (read-only, {@code PROGRESSIVE_VIEWER_PASSWORD}). Without the
 * variables, development passwords apply and a warning says so: set the variables anywhere but on your own machine.
 *
 * <p>HTTP Basic checks the password on every request. Without a {@code PasswordEncoder} bean, Spring Security checks
 * with BCrypt by default and, because {@link InMemoryUserDetailsManager} is also a {@code UserDetailsPasswordService},
 * re-encodes each {@code {noop}} password with BCrypt at its user's first login: every later request, and every
 * request with a wrong password or an unknown user, then costs a BCrypt check (about 80 ms of CPU), so an ops script
 * that polls, or anyone with a wrong password, could burn a core. The {@link #passwordEncoder()} here keeps the
 * passwords as the environment gives them ({@code noop} is its encoding) and compares them in constant time; it
 * still checks {@code {bcrypt}} passwords, should a user be given one.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

  /** The development password of {@code ops}, when {@code PROGRESSIVE_OPS_PASSWORD} is not set. */
  static final String DEV_OPS_PASSWORD = "ops-dev-password";

  /** The development password of {@code viewer}, when {@code PROGRESSIVE_VIEWER_PASSWORD} is not set. */
  static final String DEV_VIEWER_PASSWORD = "viewer-dev-password";

  @Bean
  SecurityFilterChain restaurantSecurityFilterChain(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(authorize -> authorize
            .requestMatchers(EndpointRequest.to("health", "prometheus")).permitAll()
            .requestMatchers(EndpointRequest.toAnyEndpoint()).authenticated()
            .requestMatchers(HttpMethod.POST, "/knobs/**").hasRole("PROGRESSIVE_ADMIN")
            .anyRequest().permitAll())
        .httpBasic(Customizer.withDefaults())
        // A stateless JSON API: no session, no cookie, so no CSRF token either.
        .csrf(csrf -> csrf.disable())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  /**
   * Checks {@code {noop}} passwords in constant time and never upgrades them, so that no request pays for a slow
   * hash of a password that lives in this process's environment anyway. {@code {bcrypt}} passwords still work.
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    return new DelegatingPasswordEncoder(PlainPasswords.ID,
        Map.of(PlainPasswords.ID, new PlainPasswords(), "bcrypt", new BCryptPasswordEncoder()));
  }

  /** Passwords kept as given, compared in constant time (Spring Security's own {@code noop} uses equals). */
  static final class PlainPasswords implements PasswordEncoder {

    static final String ID = "noop";

    @Override
    public String encode(CharSequence rawPassword) {
      return rawPassword.toString();
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
      if (rawPassword == null || encodedPassword == null) {
        return false;
      }
      return MessageDigest.isEqual(rawPassword.toString().getBytes(StandardCharsets.UTF_8),
          encodedPassword.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Bean
  InMemoryUserDetailsManager users(
      @Value("${PROGRESSIVE_OPS_PASSWORD:" + DEV_OPS_PASSWORD + "}") String opsPassword,
      @Value("${PROGRESSIVE_VIEWER_PASSWORD:" + DEV_VIEWER_PASSWORD + "}") String viewerPassword) {
    if (opsPassword.equals(DEV_OPS_PASSWORD) || viewerPassword.equals(DEV_VIEWER_PASSWORD)) {
      LOG.warn("Development passwords are in use for the ops and viewer users: set PROGRESSIVE_OPS_PASSWORD and "
          + "PROGRESSIVE_VIEWER_PASSWORD anywhere but on your own machine.");
    }
    // {noop}: the passwords come from the process's environment and live only in its memory; a real service would
    // authenticate against its identity provider instead.
    return new InMemoryUserDetailsManager(
        User.withUsername("ops").password("{noop}" + opsPassword).roles("PROGRESSIVE_ADMIN").build(),
        User.withUsername("viewer").password("{noop}" + viewerPassword).roles("VIEWER").build());
  }
}
