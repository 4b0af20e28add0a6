package dev.progressive.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Who may read and change Progressive's state through the actuator endpoints. */
@ConfigurationProperties("progressive.security")
public class ProgressiveSecurityProperties {

  /** The role that write operations need when Spring Security is present (without the "ROLE_" prefix). */
  private String writeRole = "PROGRESSIVE_ADMIN";

  /** Whether read operations are open to unauthenticated requests when Spring Security is present. */
  private boolean readPublic = false;

  /**
   * Whether write operations are allowed without Spring Security on the classpath. Anyone who reaches the endpoint
   * can then change flags; leave it off unless the management port is otherwise protected.
   */
  private boolean allowUnsecuredWrites = false;

  public String getWriteRole() {
    return writeRole;
  }

  public void setWriteRole(String writeRole) {
    this.writeRole = writeRole;
  }

  public boolean isReadPublic() {
    return readPublic;
  }

  public void setReadPublic(boolean readPublic) {
    this.readPublic = readPublic;
  }

  public boolean isAllowUnsecuredWrites() {
    return allowUnsecuredWrites;
  }

  public void setAllowUnsecuredWrites(boolean allowUnsecuredWrites) {
    this.allowUnsecuredWrites = allowUnsecuredWrites;
  }
}
