package dev.progressive.toggles.source;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The health of one flag source (or of the store).
 *
 * @param source the source's name
 * @param status UP, STALE or DOWN, see {@link Status}
 * @param error why it is not UP, naming the file, the flag and the JSON path of each refused flag; null when UP
 * @param lastSuccess when it was last read and applied, or null if never
 * @param lastFailure when it last failed (could not be read, or something it gave was refused), or null if never
 * @param refused the flags it gives that are not in force as written, each with its file and JSON path; empty when
 *     none
 * @param staleSince since when what it serves is not confirmed current: when it was last UP (or when it was created,
 *     if never); null while UP
 * @param notice what ops should know of how it works now, whatever its status, e.g. {@code change notifications:
 *     polling every 5s, LISTEN unavailable: ...} for a store that cannot LISTEN; null when nothing
 */
public record SourceHealth(String source, Status status, String error, Instant lastSuccess, Instant lastFailure,
    List<RefusedFlag> refused, Instant staleSince, String notice) {

  /** Whether a source's flags are current. */
  public enum Status {
    /** Everything the source last gave is in force. */
    UP,
    /**
     * The source's flags serve, but not all of them as the source now gives them: a flag (or, with
     * {@code InvalidFlags.REFUSE_SOURCE}, a whole change) was refused and its last good definition serves (or, with
     * none, it answers PARSE_ERROR), or the source cannot be read any more and its last good flags serve.
     */
    STALE,
    /** The source serves no flags: it was never read, or nothing it gave could be applied. */
    DOWN
  }

  /**
   * A flag that its source gives but that is not in force as written.
   *
   * @param flag the flag's key, or null when a whole document was refused (e.g. not valid JSON)
   * @param file the document it came from: a file name, a URL, "in-memory"
   * @param jsonPath the JSON path of the error, or null when unknown
   * @param detail what is wrong
   * @param lastGoodServes whether the flag's last good definition serves; false when it has none and answers
   *     PARSE_ERROR
   */
  public record RefusedFlag(String flag, String file, String jsonPath, String detail, boolean lastGoodServes) {}

  public SourceHealth {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    refused = refused == null ? List.of() : List.copyOf(refused);
  }

  /** A health without a notice. */
  public SourceHealth(String source, Status status, String error, Instant lastSuccess, Instant lastFailure,
      List<RefusedFlag> refused, Instant staleSince) {
    this(source, status, error, lastSuccess, lastFailure, refused, staleSince, null);
  }

  /** A health without refused flags; the time it went stale is the last failure when it is not UP. */
  public SourceHealth(String source, Status status, String error, Instant lastSuccess, Instant lastFailure) {
    this(source, status, error, lastSuccess, lastFailure, List.of(), status == Status.UP ? null : lastFailure);
  }

  /** This health with the notice given (null for none). */
  public SourceHealth withNotice(String notice) {
    return java.util.Objects.equals(notice, this.notice) ? this
        : new SourceHealth(source, status, error, lastSuccess, lastFailure, refused, staleSince, notice);
  }

  public boolean isUp() {
    return status == Status.UP;
  }
}
