package dev.progressive.parallelrun;

import java.lang.reflect.Method;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple, the test logger, keeps no MDC (its adapter is a no-op). This installs SLF4J's own thread-local
 * adapter, as Logback or Log4j would provide in an application, so tests can check that the MDC is carried.
 *
 * <p>{@code MDC.setMDCAdapter} is package-private. The tests run on the class path, where reflection may open it; a
 * class in SLF4J's own package would split the {@code org.slf4j} package now that this module has a descriptor.
 */
final class MdcForTests {

  private MdcForTests() {
  }

  /** Installs a working MDC adapter, once per JVM; further calls do nothing. */
  static synchronized void install() {
    if (MDC.getMDCAdapter() instanceof BasicMDCAdapter) {
      return;
    }
    try {
      Method set = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
      set.setAccessible(true);
      set.invoke(null, new BasicMDCAdapter());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot install SLF4J's BasicMDCAdapter for the tests", e);
    }
    if (!(MDC.getMDCAdapter() instanceof BasicMDCAdapter)) {
      throw new IllegalStateException("SLF4J kept its own MDC adapter: " + MDC.getMDCAdapter());
    }
  }
}
