package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.diff.Difference;
import java.util.List;

/**
 * What became of one shadowed request.
 *
 * @param route the matching route's name, or {@code null} when none matched
 * @param skipped why the request was not sent, or {@code null} when it was
 * @param outcome for a sent request: {@code MATCH}, {@code MISMATCH}, {@code IGNORED} (every difference was also
 *     seen between primary and secondary), {@code CANDIDATE_ERROR}, {@code TIMEOUT}, or {@code REJECTED}
 * @param differences primary-vs-candidate differences
 * @param noise primary-vs-secondary differences (empty without a secondary)
 * @param failure what went wrong, for {@code CANDIDATE_ERROR} and {@code TIMEOUT}
 */
public record ShadowResult(String route, Skip skipped, ComparisonOutcome outcome, List<Difference> differences,
    List<Difference> noise, Throwable failure) {

  /** Copies the lists. */
  public ShadowResult {
    differences = List.copyOf(differences);
    noise = List.copyOf(noise);
  }

  /** Why a request was not sent. */
  public enum Skip {
    /** No route matches its path. */
    NO_ROUTE,
    /** Its method is not safe and the route did not opt in to it. */
    METHOD_NOT_ALLOWED,
    /** It was not sampled. */
    NOT_SAMPLED,
    /** The shadow was closed. */
    CLOSED,
    /** The primary's body is over the shadow's {@code maxBodyBytes}. */
    BODY_TOO_LARGE
  }

  static ShadowResult skipped(String route, Skip why) {
    return new ShadowResult(route, why, null, List.of(), List.of(), null);
  }

  /** Whether the request was sent to the candidate: it was routed, allowed, sampled and not rejected. */
  public boolean sent() {
    return skipped == null && outcome != ComparisonOutcome.REJECTED;
  }
}
