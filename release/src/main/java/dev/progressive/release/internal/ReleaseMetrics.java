package dev.progressive.release.internal;

import dev.progressive.release.ReleaseAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A plan's meters: the gauge {@code progressive.release.stage{release,stage}}, 1 for the stage in force on this
 * instance and 0 for the others (the stages, plus {@code pending}, {@code completed} and {@code rolled_back}), and
 * the counter {@code progressive.release.transitions{release,action}} of the transitions this instance made.
 */
public final class ReleaseMetrics {

  public static final String STAGE = "progressive.release.stage";
  public static final String TRANSITIONS = "progressive.release.transitions";
  /** The stage tags of the states outside any stage; no stage may take these names. */
  public static final List<String> PSEUDO_STAGES = List.of("pending", "completed", "rolled_back");

  private final Map<ReleaseAction, Counter> transitions = new EnumMap<>(ReleaseAction.class);
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  /**
   * @param current the stage tag in force now
   */
  public ReleaseMetrics(String release, List<String> stageNames, MeterRegistry registry, Supplier<String> current) {
    this.registry = registry;
    List<String> tags = new ArrayList<>(stageNames);
    tags.addAll(PSEUDO_STAGES);
    for (String stage : tags) {
      // held strongly: the supplier is a lambda only the gauge refers to, which a weak reference would lose at the
      // next collection (the gauge then reads NaN); close() removes the gauges instead
      meters.add(Gauge.builder(STAGE, current, c -> stage.equals(c.get()) ? 1 : 0)
          .description("1 for the release plan's current stage, 0 for the others")
          .tag("release", release).tag("stage", stage).strongReference(true).register(registry));
    }
    for (ReleaseAction action : ReleaseAction.values()) {
      transitions.put(action, Counter.builder(TRANSITIONS).description("Transitions of a release plan, by action")
          .tag("release", release).tag("action", action.tag()).register(registry));
    }
  }

  /** Removes the stage gauges, which hold the plan; the transition counters stay, as counters of a past run. */
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  void transition(ReleaseAction action) {
    transitions.get(action).increment();
  }
}
