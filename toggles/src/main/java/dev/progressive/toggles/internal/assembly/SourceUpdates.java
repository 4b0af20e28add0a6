package dev.progressive.toggles.internal.assembly;

import static dev.progressive.toggles.internal.assembly.Failures.describe;
import static dev.progressive.toggles.internal.assembly.Failures.rethrowIfFatal;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.InvalidFlags;
import dev.progressive.toggles.internal.engine.CompiledFlag;
import dev.progressive.toggles.internal.engine.SourceCompiler;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.SourceHealth;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each read of a source, and each failure to read it, to that source's state: compiles the read flag by flag,
 * logs each refusal once, assembles the snapshot again, and tells the source whether its documents were taken.
 */
public final class SourceUpdates {

  /** Logged under the facade's name, as before the split, so that users' log settings keep working. */
  private static final Logger LOG = LoggerFactory.getLogger(Failures.TOGGLES_LOGGER);

  private final SourceCompiler compiler;
  private final SnapshotAssembler assembler;
  private final Clock clock;
  private final Object lock;
  private final Consumer<SourceHealth> healthChanged;

  /**
   * @param compiler compiles each read against the source's flags in force
   * @param assembler assembles the snapshot after each read
   * @param clock the clock of health times
   * @param lock the lock that every change of the flags in force holds
   * @param healthChanged told when a source's status changes; it must not throw
   */
  public SourceUpdates(SourceCompiler compiler, SnapshotAssembler assembler, Clock clock, Object lock,
      Consumer<SourceHealth> healthChanged) {
    this.compiler = compiler;
    this.assembler = assembler;
    this.clock = clock;
    this.lock = lock;
    this.healthChanged = healthChanged;
  }

  /**
   * Parses, validates and compiles a source's documents, flag by flag, and swaps in what is valid: by the
   * {@link InvalidFlags} policy, an invalid flag keeps its last good definition (or answers PARSE_ERROR), or refuses
   * the whole change.
   *
   * @return the first error, or null when everything applied
   */
  public FlagDefinitionException read(SourceState source, List<FlagDocument> documents) {
    synchronized (lock) {
      SourceCompiler.Result result;
      try {
        result = compiler.compile(documents, source.flags());
      } catch (RuntimeException | Error e) {
        // Whatever a document does to the parser or the compiler, it is refused whole, and the thread that applies
        // it (a source's watcher) lives on. Only an error the JVM cannot go on from is rethrown, once refused.
        FlagDefinitionException wrapped = new FlagDefinitionException(source.source().name(), null, null,
            "could not be compiled: " + describe(e), e);
        result = SourceCompiler.Result.refused(source.flags(), wrapped);
        source.applied(result, clock.instant());
        logRefused(source);
        healthChanged.accept(source.health());
        tellSource(source, documents, false);
        rethrowIfFatal(e);
        return wrapped;
      }
      boolean wasRefused = !source.health().isUp() && source.health().lastFailure() != null;
      boolean statusChanged = source.applied(result, clock.instant());
      logRefused(source);
      logBrokenTargeting(source);
      if (result.clean() && wasRefused) {
        LOG.info("Flag source {} is valid again; all its flags are applied", source.source().name());
      }
      assembler.assemble("source");
      if (statusChanged) {
        healthChanged.accept(source.health());
      }
      tellSource(source, documents, result.clean());
      return result.clean() ? null : result.errors().get(0);
    }
  }

  /** Assembles the snapshot from every source's flags in force, e.g. after the first reads. */
  public void assembleAll() {
    synchronized (lock) {
      assembler.assemble("source");
    }
  }

  /** The source could not be read: its last good flags stay in force, and they are stale. */
  public void failed(SourceState source, Exception cause) {
    String message = "cannot read " + source.source().name() + ": " + describe(cause);
    synchronized (lock) {
      if (!message.equals(source.readError())) {
        LOG.warn("Flag source {} cannot be read; its last good flags stay in force: {}", source.source().name(),
            describe(cause));
      }
      if (source.unreadable(message, clock.instant())) {
        healthChanged.accept(source.health());
      }
      assembler.refreshStaleKeys();
    }
  }

  private static void tellSource(SourceState source, List<FlagDocument> documents, boolean accepted) {
    try {
      source.source().applied(documents, accepted);
    } catch (Throwable e) { // NOPMD: a user's callback may throw anything; only a dying JVM's error goes on
      rethrowIfFatal(e);
      LOG.warn("Flag source {} failed to take note of its documents", source.source().name(), e);
    }
  }

  /** Logs each refused definition once (not on every read), with the file, the flag, the JSON path and the cost. */
  private static void logRefused(SourceState source) {
    for (FlagDefinitionException e : source.newErrors()) {
      String cost;
      if (source.refusedWhole()) {
        cost = "the whole change is refused and the source's last good flags stay in force";
      } else if (e.flagKey() == null) {
        cost = source.servesFrom(e.source()) ? "this document's last good flags stay in force"
            : "this document's flags are missing until it is fixed";
      } else if (source.keeps(e.flagKey())) {
        cost = "its last good definition stays in force";
      } else {
        cost = "it answers PARSE_ERROR (the caller's default) until it is fixed";
      }
      LOG.error("Refused flag definition from {}; {}: {}", source.source().name(), cost, e.getMessage());
    }
  }

  /** Logs, once each, the flags applied with a targeting error under {@link InvalidFlags#AS_FLAGD}. */
  private static void logBrokenTargeting(SourceState source) {
    for (CompiledFlag flag : source.newBrokenTargeting()) {
      LOG.error("Flag '{}' from {} evaluates to PARSE_ERROR: {}", flag.key(), source.source().name(),
          flag.parseError());
    }
  }
}
