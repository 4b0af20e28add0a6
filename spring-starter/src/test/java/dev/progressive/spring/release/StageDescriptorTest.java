package dev.progressive.spring.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.release.Stage;
import dev.progressive.spring.release.ReleasesEndpoint.StageDescriptor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the endpoint says of a stage: the settings of its kind, and null for the others. */
class StageDescriptorTest {

  @Test
  void aVerifyStageNamesWhatCompares() {
    ParallelRunner runner = ParallelRunner.builder().name("test").build();
    StageDescriptor d = StageDescriptor.of(Stage.verify(runner, "pricing").minComparisons(10).build(), true);

    assertThat(d.experiment()).isEqualTo("pricing");
    assertThat(d.comparisons()).isEqualTo("experiment 'pricing'");
    assertThat(d.minComparisons()).isEqualTo(10);
    assertThat(d.removeFlags()).isNull();
    assertThat(d.failAboveErrorRate()).isNull();
    assertThat(d.quietPeriod()).isNull();
  }

  @Test
  void aDarkStageSaysWhenItFails() {
    StageDescriptor d = StageDescriptor.of(
        Stage.dark().minSuccessfulCalls(300).failAboveErrorRate(0.05).minCallsToJudge(200).build(), true);

    assertThat(d.minSuccessfulCalls()).isEqualTo(300);
    assertThat(d.failAboveErrorRate()).isEqualTo(0.05);
    assertThat(d.minCallsToJudge()).isEqualTo(200);
    assertThat(d.experiment()).isNull();
  }

  @Test
  void aRetireStageSaysWhetherItRemovesThePlansFlag() {
    StageDescriptor removes = StageDescriptor.of(
        Stage.retire().quietPeriod(Duration.ofHours(1)).removeFlags(true).build(), false);
    StageDescriptor keeps = StageDescriptor.of(Stage.retire().quietPeriod(Duration.ofHours(1)).build(), false);

    assertThat(removes.removeFlags()).isTrue();
    assertThat(removes.quietPeriod()).isEqualTo("PT1H");
    assertThat(removes.comparisons()).isNull();
    assertThat(keeps.removeFlags()).isFalse();
  }
}
