package dev.progressive.canary.internal;

import dev.progressive.canary.event.CanaryTransition;
import dev.progressive.canary.event.VerdictReported;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one canary's events; a listener that throws is logged and never stops the others. */
public final class CanaryEvents {

  private static final Logger log = LoggerFactory.getLogger(CanaryEvents.class);

  private final String canary;
  private final List<Consumer<CanaryTransition>> transitions = new CopyOnWriteArrayList<>();
  private final List<Consumer<VerdictReported>> verdicts = new CopyOnWriteArrayList<>();

  public CanaryEvents(String canary) {
    this.canary = canary;
  }

  /** Adds a transition listener. @return a handle that removes it */
  public AutoCloseable onTransition(Consumer<CanaryTransition> listener) {
    Objects.requireNonNull(listener, "listener");
    transitions.add(listener);
    return () -> transitions.remove(listener);
  }

  /** Adds a verdict listener. @return a handle that removes it */
  public AutoCloseable onVerdict(Consumer<VerdictReported> listener) {
    Objects.requireNonNull(listener, "listener");
    verdicts.add(listener);
    return () -> verdicts.remove(listener);
  }

  void publish(CanaryTransition event) {
    for (Consumer<CanaryTransition> listener : transitions) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("a transition listener of canary '{}' failed", canary, e);
      }
    }
  }

  void publish(VerdictReported event) {
    for (Consumer<VerdictReported> listener : verdicts) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("a verdict listener of canary '{}' failed", canary, e);
      }
    }
  }
}
