package dev.progressive.release.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.ComparisonOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The row an instance publishes for a stage keeps its format ({@link StageWindow#FORMAT}) when a count is added: a
 * row of an instance that does not count failed explicit calls yet reads as none failed, and keys or outcomes a
 * reader does not know are skipped, so a fleet in the middle of an upgrade still pools its rows.
 */
class StageWindowRowTest {

  @Test
  void aRowCarriesTheFailedExplicitCallsAndReadsBackAsItWasWritten() {
    StageWindow.Counts c = new StageWindow.Counts(7, 3, 2, 1_000, Map.of(ComparisonOutcome.REJECTED, 4L));

    StageWindow.Counts read = StageWindow.Counts.decode(c.encode());

    assertThat(read.explicitSuccesses()).isEqualTo(7);
    assertThat(read.explicitFailures()).isEqualTo(3);
    assertThat(read.explicitCalls()).isEqualTo(10);
    assertThat(read.oldServed()).isEqualTo(2);
    assertThat(read.lastOldServedAt()).isEqualTo(1_000);
    assertThat(read.comparisons(ComparisonOutcome.REJECTED)).isEqualTo(4);
    assertThat(new String(c.encode(), StandardCharsets.UTF_8)).contains("explicitFailures=3\n");
  }

  @Test
  void aRowOfTheEarlierPayloadReadsAsNoFailedCallsAndUnknownKeysAreSkipped() {
    String earlier = "explicitSuccesses=5\noldServed=1\nlastOldServedAt=9\ncomparisons.MATCH=2\n"
        + "comparisons.SOMETHING_NEWER=8\nsomethingNewer=3\n";

    StageWindow.Counts read = StageWindow.Counts.decode(earlier.getBytes(StandardCharsets.UTF_8));

    assertThat(read.explicitSuccesses()).isEqualTo(5);
    assertThat(read.explicitFailures()).isZero();
    assertThat(read.comparisons(ComparisonOutcome.MATCH)).isEqualTo(2);
    assertThat(read.comparisons()).containsOnlyKeys(ComparisonOutcome.MATCH);
    assertThat(StageWindow.Counts.none().plus(read).plus(new StageWindow.Counts(1, 2, 0, 0, Map.of())))
        .as("summed with a newer instance's row").satisfies(sum -> {
          assertThat(sum.explicitSuccesses()).isEqualTo(6);
          assertThat(sum.explicitFailures()).isEqualTo(2);
        });
  }
}
