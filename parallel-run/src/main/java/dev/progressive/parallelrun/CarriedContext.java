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

  /** Nothing to carry: an empty MDC and no propagators. Shared, so that such a call allocates no context. */
  private static final CarriedContext NONE = new CarriedContext(null, List.of());

  /**
   * Captures the caller's context; never throws. A propagator that fails is left out.
   *
   * @param onFatal told of a failure the JVM cannot survive, for the caller to rethrow once the control answered
   */
  static CarriedContext capture(List<ContextPropagator> propagators, HookFaults faults, Consumer<Throwable> onFatal) {
    Map<String, String> mdc = null;
    try {
      // SLF4J has no "is the MDC empty" short of a copy; Logback's and SLF4J's own adapters answer null, without
      // copying, for a thread whose MDC was never set or was cleared. An empty copy is dropped here, so that the
      // runner thread installs nothing.
      mdc = MDC.getCopyOfContextMap();
      if (mdc != null && mdc.isEmpty()) {
        mdc = null;
      }
    } catch (Throwable t) {
      faults.report(Hook.PROPAGATOR_CAPTURE, t);
    }
    if (propagators.isEmpty()) {
      return mdc == null ? NONE : new CarriedContext(mdc, List.of());
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
    if (snapshots.isEmpty()) {
      return List.of();
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
