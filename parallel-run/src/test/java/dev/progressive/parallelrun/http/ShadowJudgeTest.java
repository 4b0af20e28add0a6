package dev.progressive.parallelrun.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.parallelrun.ComparisonOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outcome of one shadowed request from its exchanges, and that it is counted once in the report. */
class ShadowJudgeTest {

  private final ShadowRoute route = ShadowRoute.builder("orders", "/orders/*").build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ShadowJudge judge = new ShadowJudge(List.of(route), registry, 10, 2, true);

  private static ShadowResponse json(String body) {
    return new ShadowResponse(200, Map.of("content-type", List.of("application/json")),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private ShadowReport.Endpoint endpoint() {
    return judge.report(NoiseFilter.DEFAULTS).endpoints().get(0);
  }

  @Test
  void differencesThatTheSecondaryAlsoHasOnEveryPathAreNoise() {
    ShadowResult result = judge.judge(route, json("{\"id\":1,\"at\":\"a\"}"), json("{\"id\":1,\"at\":\"b\"}"), null,
        json("{\"id\":1,\"at\":\"c\"}"), null);
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.IGNORED);
    assertThat(result.noise()).isNotEmpty();
    assertThat(endpoint().compared()).isEqualTo(1);
    assertThat(endpoint().mismatched()).isZero();
  }

  @Test
  void aDifferenceOnAPathWhereTheSecondaryAgreesIsAMismatchEvenBesideNoise() {
    ShadowResult result = judge.judge(route, json("{\"id\":1,\"at\":\"a\"}"), json("{\"id\":2,\"at\":\"b\"}"), null,
        json("{\"id\":1,\"at\":\"c\"}"), null);
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(endpoint().mismatched()).isEqualTo(1);
  }

  @Test
  void whenTheSecondaryFailedNothingIsNoiseAndTheFailureIsCounted() {
    ShadowResult result = judge.judge(route, json("{\"at\":\"a\"}"), json("{\"at\":\"b\"}"), null, null,
        new IOException("secondary down"));
    assertThat(result.outcome()).isEqualTo(ComparisonOutcome.MISMATCH);
    assertThat(endpoint().secondaryFailures()).isEqualTo(1);
  }

  @Test
  void aCandidateTimeoutIsATimeoutAndAnyOtherFailureACandidateError() {
    assertThat(judge.judge(route, json("{}"), null, new HttpTimeoutException("late"), json("{}"), null).outcome())
        .isEqualTo(ComparisonOutcome.TIMEOUT);
    assertThat(judge.judge(route, json("{}"), null, new IOException("reset"), json("{}"), null).outcome())
        .isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
    assertThat(judge.rejected(route).outcome()).isEqualTo(ComparisonOutcome.REJECTED);
    ShadowReport.Endpoint endpoint = endpoint();
    assertThat(endpoint.timeouts()).isEqualTo(1);
    assertThat(endpoint.candidateErrors()).isEqualTo(1);
    assertThat(endpoint.rejected()).isEqualTo(1);
    assertThat(endpoint.compared()).isZero();
    for (ComparisonOutcome outcome : List.of(ComparisonOutcome.TIMEOUT, ComparisonOutcome.CANDIDATE_ERROR,
        ComparisonOutcome.REJECTED)) {
      assertThat(registry.get("progressive.parallelrun.comparisons").tag("experiment", "orders")
          .tag("outcome", outcome.tag()).counter().count()).as(outcome.tag()).isEqualTo(1.0);
    }
    assertThat(registry.get("progressive.parallelrun.comparisons").tag("outcome", ComparisonOutcome.MISMATCH.tag())
        .counter().count()).isZero();
  }
}
