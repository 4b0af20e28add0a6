package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.source.SourceHealth.RefusedFlag;
import dev.progressive.toggles.source.SourceHealth.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One source's flags in force and its health: what its reads compiled to, and whether it could be read. Mutated by
 * one thread at a time (the caller's lock); read from any.
 */
public final class SourceState {

  /** The most refused flags that a health's error text names; {@link SourceHealth#refused()} lists them all. */
  private static final int NAMED_IN_ERROR = 10;

  private final FlagSource source;
  private volatile Map<String, CompiledFlag> flags = Map.of();
  private volatile Map<String, EvaluationOutcome> broken = Map.of();
  private volatile Set<String> kept = Set.of();
  private List<FlagDefinitionException> errors = List.of();
  private boolean refusedWhole;
  private String readError;
  private volatile SourceHealth health;
  private Set<String> loggedErrors = Set.of();
  private Set<String> loggedBrokenTargeting = Set.of();

  /**
   * @param source the source
   * @param now when it was added: its flags are not current from then until its first good read
   */
  public SourceState(FlagSource source, Instant now) {
    this.source = source;
    this.health = new SourceHealth(source.name(), Status.DOWN, "not read yet", null, null, List.of(), now);
  }

  public FlagSource source() {
    return source;
  }

  /** The source's flags in force, by key. */
  public Map<String, CompiledFlag> flags() {
    return flags;
  }

  /** The PARSE_ERROR outcomes of its flags that could not be compiled and have no last good definition. */
  public Map<String, EvaluationOutcome> broken() {
    return broken;
  }

  /** Whether a flag of this source in force is not what the source now gives: kept, or the source is unreadable. */
  public boolean isStale(String key) {
    return readError != null || kept.contains(key);
  }

  public SourceHealth health() {
    return health;
  }

  /**
   * Takes a read's result.
   *
   * @return whether the status changed
   */
  public boolean applied(SourceCompiler.Result result, Instant now) {
    flags = result.flags();
    broken = result.broken();
    kept = result.kept();
    errors = result.errors();
    refusedWhole = result.refusedWhole();
    readError = null;
    return update(now, result.clean());
  }

  /**
   * The source could not be read; its flags in force stay.
   *
   * @return whether the status changed
   */
  public boolean unreadable(String error, Instant now) {
    readError = error;
    return update(now, false);
  }

  /** The errors of the last read that were not in the read before, to log each once; empty when none. */
  public List<FlagDefinitionException> newErrors() {
    Set<String> now = new HashSet<>();
    List<FlagDefinitionException> fresh = new ArrayList<>();
    for (FlagDefinitionException e : errors) {
      now.add(e.getMessage());
      if (!loggedErrors.contains(e.getMessage())) {
        fresh.add(e);
      }
    }
    loggedErrors = now;
    return fresh;
  }

  /** The flags in force whose targeting could not be compiled (applied as flagd does) and not reported yet. */
  public List<CompiledFlag> newBrokenTargeting() {
    Set<String> now = new HashSet<>();
    List<CompiledFlag> fresh = new ArrayList<>();
    for (CompiledFlag flag : flags.values()) {
      String error = flag.parseError();
      if (error != null) {
        now.add(error);
        if (!loggedBrokenTargeting.contains(error)) {
          fresh.add(flag);
        }
      }
    }
    loggedBrokenTargeting = now;
    return fresh;
  }

  /** Why the source could not be read at its last attempt, or null when it could. */
  public String readError() {
    return readError;
  }

  /** Whether the last read was refused whole. */
  public boolean refusedWhole() {
    return refusedWhole;
  }

  /** Whether a refused flag keeps its last good definition. */
  public boolean keeps(String key) {
    return kept.contains(key);
  }

  /** Whether some flag in force came from this document. */
  public boolean servesFrom(String origin) {
    for (CompiledFlag flag : flags.values()) {
      if (flag.definition().origin().equals(origin)) {
        return true;
      }
    }
    return false;
  }

  private boolean update(Instant now, boolean success) {
    SourceHealth before = health;
    Status status;
    if (readError == null && errors.isEmpty()) {
      status = Status.UP;
    } else if (flags.isEmpty()) {
      status = Status.DOWN;
    } else {
      status = Status.STALE;
    }
    List<RefusedFlag> refused = new ArrayList<>();
    StringBuilder error = new StringBuilder();
    if (readError != null) {
      error.append(readError);
    }
    if (!errors.isEmpty()) {
      if (error.length() > 0) {
        error.append("; ");
      }
      error.append(refusedWhole ? "the last change was refused whole, the last good flags serve: "
          : errors.size() == 1 ? "1 definition refused: " : errors.size() + " definitions refused: ");
      int named = 0;
      for (FlagDefinitionException e : errors) {
        refused.add(new RefusedFlag(e.flagKey(), e.source(), e.jsonPath(), e.detail(),
            e.flagKey() == null ? servesFrom(e.source()) : flags.containsKey(e.flagKey())));
        if (named < NAMED_IN_ERROR) {
          error.append(named == 0 ? "" : "; ").append(e.getMessage());
          named++;
        }
      }
      if (errors.size() > named) {
        error.append("; and ").append(errors.size() - named).append(" more");
      }
    }
    Instant lastSuccess = success ? now : before.lastSuccess();
    Instant lastFailure = success ? before.lastFailure() : now;
    Instant staleSince = status == Status.UP ? null : before.isUp() ? now : before.staleSince();
    health = new SourceHealth(source.name(), status, status == Status.UP ? null : error.toString(), lastSuccess,
        lastFailure, refused, staleSince);
    return before.status() != status;
  }
}
