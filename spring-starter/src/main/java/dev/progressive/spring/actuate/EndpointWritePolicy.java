package dev.progressive.spring.actuate;

import dev.progressive.spring.ProgressiveSecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ClassUtils;

/**
 * Whether a Progressive actuator endpoint takes writes, and whether a write needs a principal: one rule for the
 * {@code toggles} and {@code canaries} endpoints, with the same startup warnings. Writes are on when Spring Security
 * is on the classpath (and then need a principal with the write role), or when
 * {@code progressive.security.allow-unsecured-writes} is true.
 *
 * @param writes whether the endpoint takes writes
 * @param requirePrincipal whether a write needs an authenticated principal
 */
public record EndpointWritePolicy(boolean writes, boolean requirePrincipal) {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointWritePolicy.class);

  /** The class whose presence means that Spring Security guards the endpoints. */
  static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

  /**
   * Decides the policy of one endpoint, and warns at startup when its writes are off or unguarded.
   *
   * @param endpoint the endpoint's id, for the warning
   * @param what what a write does, for the warning ("change flags")
   * @param security the security properties
   * @param classLoader where Spring Security is looked for
   * @return the policy
   */
  public static EndpointWritePolicy of(String endpoint, String what, ProgressiveSecurityProperties security,
      ClassLoader classLoader) {
    boolean securityPresent = ClassUtils.isPresent(SECURITY_CLASS, classLoader);
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
    return new EndpointWritePolicy(writes, securityPresent && !security.isAllowUnsecuredWrites());
  }
}
