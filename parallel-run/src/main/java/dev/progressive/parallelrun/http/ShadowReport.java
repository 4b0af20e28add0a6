package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.diff.Difference;
import java.util.List;
import java.util.Optional;

/**
 * What shadowing found, per endpoint (route) and field path. Paths are normalized: array indices become
 * {@code [*]}, so {@code body.items[*].price} gathers every item.
 *
 * @param endpoints one report per route that saw traffic
 */
public record ShadowReport(List<Endpoint> endpoints) {

  /** Copies the list. */
  public ShadowReport {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * The report of one endpoint.
   *
   * @param name the route's name
   * @return its report, if the route saw traffic
   */
  public Optional<Endpoint> endpoint(String name) {
    return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * One endpoint.
   *
   * @param name the route's name
   * @param compared requests for which every target answered, so that raw and noise could both be counted
   * @param mismatched requests whose outcome was a mismatch (raw differences not all seen as noise)
   * @param candidateErrors requests the candidate failed to answer (I/O error)
   * @param timeouts requests the candidate did not answer in time
   * @param rejected requests not sent because too many were in flight
   * @param secondaryFailures requests the secondary failed to answer; not counted in {@code compared}
   * @param fields the fields that differed at least once, raw or noise
   */
  public record Endpoint(String name, long compared, long mismatched, long candidateErrors, long timeouts,
      long rejected, long secondaryFailures, List<Field> fields) {

    /** Copies the list. */
    public Endpoint {
      fields = List.copyOf(fields);
    }

    /**
     * One field's statistics.
     *
     * @param path the normalized path
     * @return them, if the field ever differed
     */
    public Optional<Field> field(String path) {
      return fields.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /** The fields that the noise filter judged real differences. */
    public List<Field> realDifferences() {
      return fields.stream().filter(Field::real).toList();
    }
  }

  /**
   * One field of one endpoint.
   *
   * @param path the normalized path, such as {@code body.items[*].price} or {@code headers.content-type}
   * @param raw requests where primary and candidate differed here
   * @param noise requests where primary and secondary differed here
   * @param relativeDifference {@link NoiseFilter#relativeDifference(long, long)}
   * @param absoluteDifference {@link NoiseFilter#absoluteDifference(long, long, long)}
   * @param real whether the noise filter judged it a real difference
   * @param samples a few recent primary-vs-candidate differences at this field
   */
  public record Field(String path, long raw, long noise, double relativeDifference, double absoluteDifference,
      boolean real, List<Difference> samples) {

    /** Copies the list. */
    public Field {
      samples = List.copyOf(samples);
    }
  }
}
