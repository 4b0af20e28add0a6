package dev.progressive.parallelrun.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Logs the failures of one experiment's user hooks at WARN, rate-limited per hook: at most {@code limit} lines per
 * interval for each hook, each line saying how many similar failures were suppressed since the previous one. Never
 * throws, even when the failure's own {@code toString} or {@code getMessage} does.
 */
public final class HookFaults {

  /** The user hooks and the parts of the library that run around them. */
  public enum Hook {
    /** The enable switch. */
    ENABLE_SWITCH("enable switch"),
    /** The sampler. */
    SAMPLER("sampler"),
    /** A context propagator's capture(). */
    PROPAGATOR_CAPTURE("context propagator's capture()"),
    /** A context snapshot's open(). */
    PROPAGATOR_OPEN("context propagator's open()"),
    /** A context scope's close(). */
    PROPAGATOR_CLOSE("context propagator's close()"),
    /** The comparator. */
    COMPARATOR("comparator"),
    /** The exception comparator. */
    EXCEPTION_COMPARATOR("exception comparator"),
    /** An ignore rule. */
    IGNORE_RULE("ignore rule"),
    /** A cleaner. */
    CLEANER("cleaner"),
    /** The structural diff (a getter of a compared value). */
    DIFF("structural diff"),
    /** A publisher. */
    PUBLISHER("publisher"),
    /** The library itself, around the hooks. */
    RUNNER("parallel-run machinery");

    private final String text;

    Hook(String text) {
      this.text = text;
    }

    /** How the log names it. */
    public String text() {
      return text;
    }
  }

  private final String experiment;
  private final BiConsumer<String, Throwable> sink;
  private final Map<Hook, RateLimit> limits = new EnumMap<>(Hook.class);

  /**
   * Creates the log.
   *
   * @param experiment the experiment's name
   * @param sink where lines go with their failure, such as an SLF4J logger's {@code warn}
   * @param clock the rate limit's clock
   * @param limit lines per hook per interval (at least 1 is used)
   * @param interval the interval
   */
  public HookFaults(String experiment, BiConsumer<String, Throwable> sink, Clock clock, int limit,
      Duration interval) {
    this.experiment = experiment;
    this.sink = sink;
    for (Hook hook : Hook.values()) {
      limits.put(hook, new RateLimit(clock, Math.max(1, limit), interval));
    }
  }

  /**
   * Logs a hook's failure, if the hook's budget allows.
   *
   * @param hook which hook
   * @param failure what it threw
   */
  public void report(Hook hook, Throwable failure) {
    try {
      long suppressed = limits.get(hook).admit();
      if (suppressed == RateLimit.SUPPRESSED) {
        return;
      }
      String more = suppressed == 0 ? "" : " (" + suppressed + " similar failures suppressed since the last line)";
      String fatal = Faults.isFatal(failure) ? "; the JVM may not survive it" : "";
      sink.accept("Parallel run '" + experiment + "': the " + hook.text() + " threw " + Faults.describe(failure)
          + "; the control's answer is unaffected" + fatal + more, failure);
    } catch (Throwable t) {
      // A failure that cannot even be logged is dropped, fatal or not: the caller's answer comes first, and a fatal
      // failure of a hook is rethrown by the experiment once the control has answered.
    }
  }
}
