package dev.progressive.spring.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The ops console: one page that shows and changes flags, canaries and parallel runs through the actuator. */
@ConfigurationProperties("progressive.console")
public class ProgressiveConsoleProperties {

  /** Whether to serve the ops console (servlet applications with Spring MVC only). */
  private boolean enabled = false;

  /**
   * Where the console is served, below the context path: an absolute path of one or more segments without a trailing
   * slash, such as "/progressive" or "/ops/release".
   */
  private String path = "/progressive";

  /** How often the page reads the actuator endpoints again. */
  private Duration pollInterval = Duration.ofSeconds(5);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /**
   * The poll interval, checked.
   *
   * @throws IllegalArgumentException naming the property when it is not at least 500 ms
   */
  Duration checkedPollInterval() {
    if (pollInterval == null || pollInterval.compareTo(Duration.ofMillis(500)) < 0) {
      throw new IllegalArgumentException("progressive.console.poll-interval must be at least 500ms; was "
          + pollInterval);
    }
    return pollInterval;
  }

  /**
   * The path, checked.
   *
   * @throws IllegalArgumentException naming the property when the path is not an absolute path of plain segments
   */
  String checkedPath() {
    String p = path == null ? "" : path.trim();
    if (!p.matches("(/[A-Za-z0-9._~-]+)+") || p.matches(".*/\\.{1,2}(/.*)?")) {
      throw new IllegalArgumentException("progressive.console.path must be an absolute path of one or more segments "
          + "of letters, digits, '.', '_', '~' or '-' (not '.' or '..' alone), without a trailing slash, such as "
          + "/progressive; was '"
          + path + "'");
    }
    return p;
  }
}
