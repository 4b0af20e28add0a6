package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.internal.ExperimentMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Decides the outcome of each shadowed request (match, mismatch, noise, timeout, error or rejection) and counts it
 * once, in the route's report statistics and in its meters, so that the two always add up.
 */
final class ShadowJudge {

  private final ResponseComparison comparison;
  private final boolean withSecondary;
  private final Map<String, ExperimentMeters> meters = new LinkedHashMap<>();
  private final Map<String, EndpointStats> stats = new LinkedHashMap<>();

  ShadowJudge(List<ShadowRoute> routes, MeterRegistry registry, int maxFieldsPerEndpoint, int samplesPerField,
      boolean withSecondary) {
    this.comparison = new ResponseComparison(routes);
    this.withSecondary = withSecondary;
    for (ShadowRoute route : routes) {
      meters.put(route.name(), new ExperimentMeters(registry, route.name()));
      stats.put(route.name(), new EndpointStats(route.name(), maxFieldsPerEndpoint, samplesPerField));
    }
  }

  /** A request the bulkhead had no permit for. */
  ShadowResult rejected(ShadowRoute route) {
    stats.get(route.name()).rejected();
    meters.get(route.name()).count(ComparisonOutcome.REJECTED);
    return new ShadowResult(route.name(), null, ComparisonOutcome.REJECTED, List.of(), List.of(), null);
  }

  /** A request that could not be sent, or whose comparison failed. */
  ShadowResult candidateError(ShadowRoute route, Throwable error) {
    stats.get(route.name()).candidateError();
    meters.get(route.name()).count(ComparisonOutcome.CANDIDATE_ERROR);
    return new ShadowResult(route.name(), null, ComparisonOutcome.CANDIDATE_ERROR, List.of(), List.of(), error);
  }

  /** How long the candidate took, answered or not. */
  void candidateTook(ShadowRoute route, long nanos) {
    meters.get(route.name()).candidate(nanos);
  }

  /**
   * The outcome of one request from both exchanges: the candidate's failure decides alone; otherwise its differences
   * from the primary are a mismatch, unless the secondary (another copy of the primary) differs on every same path,
   * which makes them noise.
   */
  ShadowResult judge(ShadowRoute route, ShadowResponse primary, ShadowResponse fromCandidate,
      Throwable candidateError, ShadowResponse fromSecondary, Throwable secondaryError) {
    EndpointStats endpoint = stats.get(route.name());
    ExperimentMeters routeMeters = meters.get(route.name());
    if (candidateError != null) {
      boolean timedOut = candidateError instanceof HttpTimeoutException || candidateError instanceof TimeoutException;
      ComparisonOutcome outcome = timedOut ? ComparisonOutcome.TIMEOUT : ComparisonOutcome.CANDIDATE_ERROR;
      if (timedOut) {
        endpoint.timeout();
      } else {
        endpoint.candidateError();
      }
      routeMeters.count(outcome);
      return new ShadowResult(route.name(), null, outcome, List.of(), List.of(), candidateError);
    }
    List<Difference> raw = comparison.compare(route, primary, fromCandidate);
    List<Difference> noise = List.of();
    if (withSecondary && secondaryError == null) {
      noise = comparison.compare(route, primary, fromSecondary);
    }
    ComparisonOutcome outcome;
    if (raw.isEmpty()) {
      outcome = ComparisonOutcome.MATCH;
    } else if (!noise.isEmpty() && noisePaths(noise).containsAll(noisePaths(raw))) {
      outcome = ComparisonOutcome.IGNORED;
    } else {
      outcome = ComparisonOutcome.MISMATCH;
    }
    // One update of the endpoint's counters, so that a report never sees a mismatch that is not yet compared.
    endpoint.compared(raw, noise, !withSecondary || secondaryError == null, outcome == ComparisonOutcome.MISMATCH);
    routeMeters.count(outcome);
    return new ShadowResult(route.name(), null, outcome, raw, noise, null);
  }

  private static Set<String> noisePaths(List<Difference> differences) {
    Set<String> paths = new HashSet<>();
    for (Difference difference : differences) {
      paths.add(EndpointStats.normalize(difference.path()));
    }
    return paths;
  }

  /** The report so far, per route in the order they were added. */
  ShadowReport report(NoiseFilter noiseFilter) {
    List<ShadowReport.Endpoint> endpoints = new ArrayList<>();
    for (EndpointStats endpoint : stats.values()) {
      endpoints.add(endpoint.report(noiseFilter));
    }
    return new ShadowReport(endpoints);
  }
}
