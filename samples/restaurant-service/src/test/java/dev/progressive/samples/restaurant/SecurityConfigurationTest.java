package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The sample's users: HTTP Basic checks a password on every request, so no request may pay for a slow hash. Before
 * the sample had a {@code PasswordEncoder} of its own, Spring Security re-encoded each {@code {noop}} password with
 * BCrypt at its user's first login (the in-memory manager is a {@code UserDetailsPasswordService}), and every later
 * request paid a BCrypt check.
 */
@SpringBootTest(classes = SecurityConfigurationTest.App.class, properties = {
    "spring.config.name=security-configuration-test",
    "management.endpoints.web.exposure.include=health,toggles",
    "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@AutoConfigureMockMvc
class SecurityConfigurationTest {

  @Autowired
  MockMvc mvc;

  @Autowired
  InMemoryUserDetailsManager users;

  @Autowired
  ObjectProvider<PasswordEncoder> passwordEncoders;

  @Test
  void aLoginKeepsThePasswordAsGivenSoLaterRequestsPayNoBcrypt() throws Exception {
    for (int i = 0; i < 3; i++) {
      mvc.perform(get("/actuator/toggles").with(httpBasic("ops", SecurityConfiguration.DEV_OPS_PASSWORD)))
          .andExpect(status().isOk());
      mvc.perform(get("/actuator/toggles").with(httpBasic("viewer", SecurityConfiguration.DEV_VIEWER_PASSWORD)))
          .andExpect(status().isOk());
    }
    assertThat(users.loadUserByUsername("ops").getPassword()).as("not upgraded to {bcrypt}")
        .isEqualTo("{noop}" + SecurityConfiguration.DEV_OPS_PASSWORD);
    assertThat(users.loadUserByUsername("viewer").getPassword()).startsWith("{noop}");
  }

  @Test
  void wrongPasswordsAndUnknownUsersAreRefusedWithoutASlowHash() throws Exception {
    mvc.perform(get("/actuator/toggles").with(httpBasic("ops", "wrong"))).andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/toggles").with(httpBasic("nobody", "wrong"))).andExpect(status().isUnauthorized());
    mvc.perform(get("/actuator/toggles").with(httpBasic("ops", SecurityConfiguration.DEV_OPS_PASSWORD + "x")))
        .andExpect(status().isUnauthorized());
    // Spring Security checks an unknown user's password against the encoder's own encoding of a dummy password, so
    // that the answer takes as long as for a known user: that encoding must not be a slow hash either.
    PasswordEncoder passwordEncoder = passwordEncoders.getIfAvailable();
    assertThat(passwordEncoder).as("the sample's own PasswordEncoder").isNotNull();
    assertThat(passwordEncoder.encode("userNotFoundPassword")).startsWith("{noop}");
    assertThat(passwordEncoder.matches("secret", "{bcrypt}" + new org.springframework.security.crypto.bcrypt
        .BCryptPasswordEncoder().encode("secret"))).as("bcrypt passwords still work").isTrue();
    assertThat(passwordEncoder.upgradeEncoding("{noop}secret")).isFalse();
  }

  /**
   * Only the security configuration, with Boot's auto-configuration. A plain {@code @Configuration}, not a
   * {@code @SpringBootConfiguration}: the sample's other tests find the application's by scanning this package.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(SecurityConfiguration.class)
  static class App {}
}
