package dev.progressive.spring.actuate;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mismatch;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.RunnerStats;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The read-only {@code parallelruns} actuator endpoint: every experiment of the runner with its comparison counts
 * per outcome ({@code GET /actuator/parallelruns}), and one experiment with its recent mismatches and their diffs
 * ({@code GET /actuator/parallelruns/{name}}; 404 for an unknown name). Counts are read from the runner's
 * {@code progressive.parallelrun.comparisons} meters. Mismatches hold only the values that the experiment's cleaner
 * kept.
 */
@Endpoint(id = "parallelruns")
public class ParallelRunsEndpoint {

  private final ParallelRunner runner;
  private final HttpShadow shadow;

  /**
   * Creates the endpoint.
   *
   * @param runner the runner whose experiments it shows
   */
  public ParallelRunsEndpoint(ParallelRunner runner) {
    this(runner, null);
  }

  /**
   * Creates the endpoint with HTTP shadowing.
   *
   * @param runner the runner whose experiments it shows
   * @param shadow the HTTP shadow whose routes it shows too, or null
   */
  public ParallelRunsEndpoint(ParallelRunner runner, HttpShadow shadow) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.shadow = shadow;
  }

  /** Every experiment, sorted by name, and the runner's bounds. */
  @ReadOperation
  public ParallelRunsReport experiments() {
    List<ExperimentDescriptor> experiments = runner.experiments().stream()
        .sorted(Comparator.comparing(Experiment::name))
        .map(e -> describe(e, false))
        .toList();
    List<ShadowRouteDescriptor> routes = shadow == null ? null
        : shadow.report().endpoints().stream().map(ShadowRouteDescriptor::of).toList();
    return new ParallelRunsReport(runner.stats(), experiments, routes);
  }

  /**
   * One experiment with its recent mismatches.
   *
   * @param name the experiment's name
   * @return the experiment, or 404
   */
  @ReadOperation
  public WebEndpointResponse<Object> experiment(@Selector String name) {
    return runner.experiment(name)
        .<WebEndpointResponse<Object>>map(e -> new WebEndpointResponse<>(describe(e, true)))
        .orElseGet(() -> new WebEndpointResponse<>(
            Map.of("error", "No experiment '" + name + "'", "name", name), WebEndpointResponse.STATUS_NOT_FOUND));
  }

  private ExperimentDescriptor describe(Experiment<?, ?, ?> experiment, boolean withMismatches) {
    List<MismatchDescriptor> mismatches = withMismatches
        ? experiment.recentMismatches().stream().map(MismatchDescriptor::of).toList()
        : null;
    return new ExperimentDescriptor(experiment.name(), experiment.mode().name(), experiment.candidateNames(),
        counts(runner.meterRegistry(), experiment.name()), mismatches);
  }

  private static Map<String, Long> counts(MeterRegistry registry, String experiment) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (ComparisonOutcome outcome : ComparisonOutcome.values()) {
      counts.put(outcome.name().toLowerCase(Locale.ROOT), 0L);
    }
    for (Counter counter : registry.find("progressive.parallelrun.comparisons").tag("experiment", experiment)
        .counters()) {
      String outcome = counter.getId().getTag("outcome");
      if (outcome != null) {
        counts.merge(outcome, (long) counter.count(), Long::sum);
      }
    }
    return counts;
  }

  /**
   * What {@code GET /actuator/parallelruns} answers.
   *
   * @param runner the runner's threads, queue and permits
   * @param experiments every experiment
   * @param shadowRoutes the HTTP shadow's routes, or null without HTTP shadowing
   */
  public record ParallelRunsReport(RunnerStats runner, List<ExperimentDescriptor> experiments,
      List<ShadowRouteDescriptor> shadowRoutes) {}

  /**
   * One shadowed route.
   *
   * @param name the route's name
   * @param compared requests compared
   * @param mismatched requests whose answers differed
   * @param candidateErrors requests the candidate failed to answer
   * @param timeouts requests the candidate answered too late
   * @param rejected requests not sent because too many were in flight
   * @param realDifferences the fields judged real differences, not noise
   * @param secondaryFailures requests the secondary (the second copy of the primary) failed to answer
   * @param fields every field that differed at least once, real or noise, each marked
   */
  public record ShadowRouteDescriptor(String name, long compared, long mismatched, long candidateErrors,
      long timeouts, long rejected, List<ShadowFieldDescriptor> realDifferences, long secondaryFailures,
      List<ShadowFieldDescriptor> fields) {
    static ShadowRouteDescriptor of(ShadowReport.Endpoint e) {
      return new ShadowRouteDescriptor(e.name(), e.compared(), e.mismatched(), e.candidateErrors(), e.timeouts(),
          e.rejected(), e.realDifferences().stream().map(ShadowFieldDescriptor::of).toList(), e.secondaryFailures(),
          e.fields().stream().map(ShadowFieldDescriptor::of).toList());
    }
  }

  /**
   * One field that differed.
   *
   * @param path the field, such as {@code body.total}
   * @param raw requests where primary and candidate differed here
   * @param noise requests where two copies of the primary differed here
   * @param samples recent differences, as {@code path: primary ≠ candidate}
   * @param real whether the noise filter judged it a real difference; false means noise
   */
  public record ShadowFieldDescriptor(String path, long raw, long noise, List<String> samples, boolean real) {
    static ShadowFieldDescriptor of(ShadowReport.Field f) {
      return new ShadowFieldDescriptor(f.path(), f.raw(), f.noise(),
          f.samples().stream().map(Difference::toString).toList(), f.real());
    }
  }

  /**
   * One experiment.
   *
   * @param name its name
   * @param mode ASYNC or SEQUENTIAL
   * @param candidates the candidates' names
   * @param comparisons the number of comparisons per outcome (every outcome is listed)
   * @param recentMismatches the latest mismatches, oldest first (single experiment only)
   */
  public record ExperimentDescriptor(String name, String mode, List<String> candidates,
      Map<String, Long> comparisons, List<MismatchDescriptor> recentMismatches) {}

  /**
   * One mismatch.
   *
   * @param candidate the candidate's name
   * @param sequence grows with each mismatch of the experiment
   * @param time when it was compared
   * @param control the control's cleaned value, as text
   * @param candidateValue the candidate's cleaned value, as text
   * @param differences each differing path, as {@code path: control ≠ candidate}
   */
  public record MismatchDescriptor(String candidate, long sequence, Instant time, String control,
      String candidateValue, List<String> differences) {
    static MismatchDescriptor of(Mismatch m) {
      return new MismatchDescriptor(m.candidateName(), m.sequence(), m.time(), String.valueOf(m.control()),
          String.valueOf(m.candidate()), m.differences().stream().map(Difference::toString).toList());
    }
  }
}
