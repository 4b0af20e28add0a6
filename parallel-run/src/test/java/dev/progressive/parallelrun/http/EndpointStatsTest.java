package dev.progressive.parallelrun.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.diff.Difference;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shadow report counts per normalized field path and stays bounded in memory. */
class EndpointStatsTest {

  @Test
  void arrayIndicesAreFoldedAndEachRequestCountsAFieldOnce() {
    EndpointStats stats = new EndpointStats("orders", 10, 2);
    stats.record(List.of(new Difference("body.items[0].price", 1, 2), new Difference("body.items[3].price", 1, 2)),
        List.of());
    stats.record(List.of(new Difference("body.items[1].price", 1, 2)), List.of(new Difference("body.id", 1, 2)));

    ShadowReport.Endpoint report = stats.report(NoiseFilter.DEFAULTS);
    assertThat(report.compared()).isEqualTo(2);
    ShadowReport.Field price = report.field("body.items[*].price").orElseThrow();
    assertThat(price.raw()).isEqualTo(2);
    assertThat(price.samples()).extracting(Difference::path)
        .containsExactly("body.items[3].price", "body.items[1].price");
    assertThat(report.field("body.id").orElseThrow().noise()).isEqualTo(1);
  }

  @Test
  void fieldPathsAndSamplesAreBounded() {
    EndpointStats stats = new EndpointStats("orders", 5, 3);
    for (int i = 0; i < 1_000; i++) {
      stats.record(List.of(new Difference("body.f" + i, i, i + 1), new Difference("body.f0", i, i + 1)), List.of());
    }

    ShadowReport.Endpoint report = stats.report(NoiseFilter.DEFAULTS);
    assertThat(report.fields()).hasSizeLessThanOrEqualTo(6);
    assertThat(report.field(EndpointStats.OTHER_FIELDS).orElseThrow().raw()).isEqualTo(995);
    assertThat(report.fields()).allSatisfy(f -> assertThat(f.samples()).hasSizeLessThanOrEqualTo(3));
  }

  @Test
  void everyReportIsAConsistentSnapshotWhileRequestsAreCounted() throws Exception {
    EndpointStats stats = new EndpointStats("orders", 10, 2);
    List<Difference> raw = List.of(new Difference("body.total", 1, 2));
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> writers = new java.util.ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          stats.compared(raw, List.of(), i % 3 != 0, true);
        }
      });
      writers.add(writer);
      writer.start();
    }
    long reads = 0;
    while (writers.stream().anyMatch(Thread::isAlive) || reads == 0) {
      ShadowReport.Endpoint report = stats.report(NoiseFilter.DEFAULTS);
      assertThat(report.mismatched()).isLessThanOrEqualTo(report.compared());
      assertThat(report.secondaryFailures()).isLessThanOrEqualTo(report.compared());
      reads++;
    }
    for (Thread writer : writers) {
      writer.join();
    }
    ShadowReport.Endpoint last = stats.report(NoiseFilter.DEFAULTS);
    assertThat(last.compared()).isEqualTo(40_000);
    assertThat(last.mismatched()).isEqualTo(40_000);
    assertThat(last.field("body.total").orElseThrow().raw()).isEqualTo(40_000 - last.secondaryFailures());
  }
}
