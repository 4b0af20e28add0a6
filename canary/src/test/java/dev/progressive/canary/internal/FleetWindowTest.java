package dev.progressive.canary.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.progressive.canary.Cohort;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.CallOutcome;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A window is recorded, encoded, decoded, summed and turned into the judge's sample without losing counts. */
class FleetWindowTest {

  private static final FleetStore.WindowKey KEY = new FleetStore.WindowKey("pricing", 0, 1_000);

  private static WindowRecorder recorder(int baseline, int canary, int canaryErrors, long canaryNanos) {
    WindowRecorder r = new WindowRecorder();
    r.startWindow(KEY);
    for (int i = 0; i < baseline; i++) {
      r.record(Cohort.BASELINE, 10_000_000L + i * 10_000L, CallOutcome.SUCCESS);
    }
    for (int i = 0; i < canary; i++) {
      r.record(Cohort.CANARY, canaryNanos, i < canaryErrors ? CallOutcome.ERROR : CallOutcome.SUCCESS);
    }
    return r;
  }

  @Test
  void snapshotsAreCumulativeAndANewStepStartsFromZero() {
    WindowRecorder r = recorder(100, 10, 2, 50_000_000L);
    assertThat(r.snapshot().window().baselineRequests()).isEqualTo(100);
    r.record(Cohort.CANARY, 1_000, CallOutcome.ERROR);
    FleetWindow again = r.snapshot().window();
    assertThat(again.canaryRequests()).as("cumulative since the step started").isEqualTo(11);
    assertThat(again.toWindow(100, "").canary().errors()).isEqualTo(3);
    r.startWindow(KEY);
    assertThat(r.snapshot().window().canaryRequests()).as("the same step keeps its window").isEqualTo(11);
    r.startWindow(new FleetStore.WindowKey("pricing", 1, 2_000));
    assertThat(r.snapshot().window().canaryRequests()).isZero();
  }

  @Test
  void encodedWindowsDecodeToTheSameCountsAndSumAcrossInstances() {
    FleetWindow a = FleetWindow.decode(recorder(100, 10, 2, 50_000_000L).snapshot().window().encode());
    FleetWindow b = FleetWindow.decode(recorder(300, 30, 0, 50_000_000L).snapshot().window().encode());
    MetricSource.Window sum = new FleetWindow().add(a).add(b).toWindow(1_000, "");
    assertThat(sum.baseline().requests()).isEqualTo(400);
    assertThat(sum.baseline().errors()).isZero();
    assertThat(sum.canary().requests()).isEqualTo(40);
    assertThat(sum.canary().errors()).isEqualTo(2);
    assertThat(sum.canary().latenciesMillis()).hasSize(40);
    assertThat(Arrays.stream(sum.canary().latenciesMillis()).boxed().toList())
        .allSatisfy(ms -> assertThat(ms).isCloseTo(50, offset(0.5)));
  }

  @Test
  void theSampleFollowsTheHistogramsQuantilesAndIsCappedAndSorted() {
    FleetWindow w = recorder(10_000, 0, 0, 0).snapshot().window();
    double[] sample = w.toWindow(1_000, "").baseline().latenciesMillis();
    assertThat(sample).hasSize(1_000);
    double[] sorted = sample.clone();
    Arrays.sort(sorted);
    assertThat(sample).containsExactly(sorted);
    // baseline latencies are 10 ms + i * 0.01 ms for i < 10,000: uniform on [10, 110) ms
    assertThat(sample[0]).isCloseTo(10.05, offset(0.6));
    assertThat(sample[499]).isCloseTo(60, offset(0.6));
    assertThat(sample[989]).isCloseTo(109, offset(1.1));
  }

  @Test
  void aPayloadThatIsNotAWindowIsRefusedNamingTheFormat() {
    assertThatThrownBy(() -> FleetWindow.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a window of format 1");
    byte[] good = recorder(1, 1, 0, 1_000_000).snapshot().window().encode();
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> FleetWindow.decode(longer)).hasMessageContaining("bytes after the window");
  }
}
