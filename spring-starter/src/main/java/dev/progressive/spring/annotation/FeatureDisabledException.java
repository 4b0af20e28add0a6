package dev.progressive.spring.annotation;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Thrown by a {@link FeatureToggle} method without a fallback when its flag is off. Spring MVC answers it with 404
 * Not Found, as if the feature did not exist; outside the web layer, catch it to handle the switched-off feature.
 */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class FeatureDisabledException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String flag;

  /**
   * Creates the exception.
   *
   * @param flag the flag that is off
   * @param method the method that was not run, for the message
   */
  public FeatureDisabledException(String flag, String method) {
    super("Feature '" + flag + "' is off: " + method + " was not run");
    this.flag = flag;
  }

  /** The flag that is off. */
  public String flag() {
    return flag;
  }
}
