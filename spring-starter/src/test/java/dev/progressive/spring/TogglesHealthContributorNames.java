package dev.progressive.spring;

import java.lang.reflect.Method;

/** Reaches the health contributor's naming rule from tests in another package. */
final class TogglesHealthContributorNames {

  private TogglesHealthContributorNames() {
  }

  static String safe(String name) throws Exception {
    Method safe = dev.progressive.spring.actuate.TogglesHealthContributor.class.getDeclaredMethod("safe",
        String.class);
    safe.setAccessible(true);
    return (String) safe.invoke(null, name);
  }
}
