package dev.progressive.parallelrun;

import dev.progressive.parallelrun.internal.Faults;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * The caller's thread-bound context, captured on the caller's thread and installed around a candidate on a runner
 * thread: the SLF4J MDC and the snapshots of the user's {@link ContextPropagator}s.
 *
 * @param mdc a copy of the caller's MDC, or {@code null} when it had none (or could not be read)
 * @param snapshots what the propagators captured, in their order
 */
record CarriedContext(Map<String, String> mdc, List<ContextPropagator.Snapshot> snapshots) {

  /**
   * Captures the caller's context; never throws. A propagator that fails is left out.
   *
   * @param onFatal told of a failure the JVM cannot survive, for the caller to rethrow once the control answered
   */
  static CarriedContext capture(List<ContextPropagator> propagators, HookFaults faults, Consumer<Throwable> onFatal) {
    Map<String, String> mdc = null;
    try {
      mdc = MDC.getCopyOfContextMap();
    } catch (Throwable t) {
      faults.report(Hook.PROPAGATOR_CAPTURE, t);
    }
    if (propagators.isEmpty()) {
      return new CarriedContext(mdc, List.of());
    }
    List<ContextPropagator.Snapshot> snapshots = new ArrayList<>(propagators.size());
    for (ContextPropagator propagator : propagators) {
      try {
        ContextPropagator.Snapshot snapshot = propagator.capture();
        if (snapshot != null) {
          snapshots.add(snapshot);
        }
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_CAPTURE, t);
        if (Faults.isFatal(t)) {
          onFatal.accept(t);
        }
      }
    }
    return new CarriedContext(mdc, snapshots);
  }

  /** Installs the context on the current thread; never throws. A snapshot that fails to open is left out. */
  List<ContextPropagator.Scope> open(HookFaults faults) {
    try {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
    } catch (Throwable t) {
      faults.report(Hook.PROPAGATOR_OPEN, t);
    }
    List<ContextPropagator.Scope> scopes = new ArrayList<>(snapshots.size());
    for (ContextPropagator.Snapshot snapshot : snapshots) {
      try {
        ContextPropagator.Scope scope = snapshot.open();
        if (scope != null) {
          scopes.add(scope);
        }
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_OPEN, t);
      }
    }
    return scopes;
  }

  /** Restores what was there before, in reverse order; never throws. */
  void close(List<ContextPropagator.Scope> scopes, HookFaults faults) {
    for (int i = scopes.size() - 1; i >= 0; i--) {
      try {
        scopes.get(i).close();
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_CLOSE, t);
      }
    }
    try {
      MDC.clear();
    } catch (Throwable t) {
      faults.report(Hook.PROPAGATOR_CLOSE, t);
    }
  }
}
