package org.slf4j;

import org.slf4j.helpers.BasicMDCAdapter;

/**
 * slf4j-simple, the test logger, keeps no MDC (its adapter is a no-op). This installs SLF4J's own thread-local
 * adapter, as Logback or Log4j would provide in an application, so tests can check that the MDC is carried.
 */
public final class MdcForTests {

  private MdcForTests() {
  }

  /** Installs a working MDC adapter, once per JVM; further calls do nothing. */
  public static synchronized void install() {
    if (!(MDC.getMDCAdapter() instanceof BasicMDCAdapter)) {
      MDC.setMDCAdapter(new BasicMDCAdapter());
    }
  }
}
