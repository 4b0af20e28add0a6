package dev.progressive.canary.internal;

import dev.progressive.canary.FleetStore;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's side of a canary's windows in the {@link FleetStore}: publishes this instance's cumulative window,
 * and sums every instance's, skipping (with one WARN per instance) rows it cannot read.
 */
final class FleetWindows {

  private static final Logger log = LoggerFactory.getLogger(FleetWindows.class);
  private static final int MAX_SKIPPED_REPORTED = 1_000;

  private final String name;
  private final FleetStore fleet;
  private final String instance;
  private final WindowRecorder recorder;
  private final Set<String> skipped = new LinkedHashSet<>();
  private volatile String publishError = "";

  FleetWindows(String name, FleetStore fleet, String instance, WindowRecorder recorder) {
    this.name = name;
    this.fleet = fleet;
    this.instance = instance;
    this.recorder = recorder;
  }

  /** The fleet's sum, and each instance's window. */
  record Pooled(FleetWindow total, Map<String, FleetWindow> perInstance) {}

  /** Why the last publish failed, or empty. */
  String publishError() {
    return publishError;
  }

  /** The instances whose windows were skipped. */
  synchronized List<String> skipped() {
    return List.copyOf(skipped);
  }

  /**
   * Publishes this instance's cumulative window of the step, when it is the one being recorded; a failure is
   * reported once and retried at the next call, losing nothing.
   */
  void publish(FleetStore.WindowKey key, long now) {
    WindowRecorder.Snapshot snapshot = recorder.snapshot();
    if (snapshot == null || !snapshot.key().equals(key)) {
      return;
    }
    try {
      fleet.publish(key, new FleetStore.WindowRow(instance, FleetWindow.FORMAT, snapshot.window().encode(), now));
      if (!publishError.isEmpty()) {
        log.info("canary '{}': instance '{}' publishes its window again", name, instance);
        publishError = "";
      }
    } catch (Exception e) {
      if (publishError.isEmpty()) {
        log.warn("canary '{}': instance '{}' cannot publish its window ({}); it routes on at the last weight and "
            + "publishes its whole window at the next interval", name, instance, e.toString());
      }
      publishError = e.toString();
    }
  }

  /** Every instance's window of the step, summed. */
  Pooled pool(FleetStore.WindowKey key) throws Exception {
    FleetWindow total = new FleetWindow();
    Map<String, FleetWindow> perInstance = new LinkedHashMap<>();
    for (FleetStore.WindowRow row : fleet.windows(key)) {
      if (row.format() != FleetWindow.FORMAT) {
        skip(row.instance(), "format " + row.format() + ", this version reads format " + FleetWindow.FORMAT);
        continue;
      }
      try {
        FleetWindow window = FleetWindow.decode(row.payload());
        perInstance.put(row.instance(), window);
        total.add(window);
      } catch (IllegalArgumentException e) {
        skip(row.instance(), e.getMessage());
      }
    }
    return new Pooled(total, perInstance);
  }

  private synchronized void skip(String other, String why) {
    if (skipped.size() < MAX_SKIPPED_REPORTED && skipped.add(other)) {
      log.warn("canary '{}': the window of instance '{}' is skipped ({}): it is not counted until that instance "
          + "runs a version of Progressive that writes a window this one reads", name, other, why);
    }
  }
}
