package dev.progressive.spring.console;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is looking at the console, for {@code <console-path>/me}: the page asks it once, to greet the user and to
 * disable its change controls for users who may not change anything. The actuator decides regardless. Declare a bean
 * of this type to replace the starter's (for instance when the Progressive actuator chain is your own).
 */
@FunctionalInterface
public interface ConsoleUsers {

  /**
   * The user of a request.
   *
   * @param request the request to {@code <console-path>/me}
   * @return their name and whether the page should offer changes
   */
  User current(HttpServletRequest request);

  /**
   * What {@code <console-path>/me} answers, besides the actuator's base path.
   *
   * @param name the user's name, {@code anonymous} when there is none
   * @param canWrite whether the user may change flags and canaries
   */
  record User(String name, boolean canWrite) {}
}
