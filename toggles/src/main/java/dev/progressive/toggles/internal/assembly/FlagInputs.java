package dev.progressive.toggles.internal.assembly;

import static dev.progressive.toggles.internal.assembly.Failures.describe;
import static dev.progressive.toggles.internal.assembly.Failures.rethrowIfFatal;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.StoredOverride;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code Toggles} reads its flags from, its sources and its store: reads them all at start, then watches them
 * until closed, and reports their health and staleness.
 */
public final class FlagInputs {

  /** Logged under the facade's name, as before the split, so that users' log settings keep working. */
  private static final Logger LOG = LoggerFactory.getLogger(Failures.TOGGLES_LOGGER);

  private final List<SourceState> sources;
  private final FlagStore store;
  private final SourceUpdates sourceUpdates;
  private final OverrideSync overrideSync;
  private final SnapshotAssembler assembler;
  private final Clock clock;
  private volatile boolean closed;

  /**
   * @param sources the sources, in the order they were added
   * @param store the store of ops' overrides
   * @param sourceUpdates applies the sources' reads
   * @param overrideSync applies the store's overrides
   * @param assembler assembles the snapshot
   * @param clock the clock of health times
   */
  public FlagInputs(List<SourceState> sources, FlagStore store, SourceUpdates sourceUpdates,
      OverrideSync overrideSync, SnapshotAssembler assembler, Clock clock) {
    this.sources = List.copyOf(sources);
    this.store = store;
    this.sourceUpdates = sourceUpdates;
    this.overrideSync = overrideSync;
    this.assembler = assembler;
    this.clock = clock;
  }

  /**
   * Reads the store and every source, assembles the first snapshot, then watches them all.
   *
   * @param requireValid whether a source that cannot be read or holds an invalid flag fails the start (everything is
   *     closed then)
   * @throws FlagDefinitionException with {@code requireValid}, when a source holds an invalid flag
   * @throws IllegalStateException with {@code requireValid}, when a source cannot be read
   */
  public void start(boolean requireValid) {
    overrideSync.load();
    FlagDefinitionException firstDefinitionError = null;
    RuntimeException firstReadError = null;
    for (SourceState source : sources) {
      try {
        FlagDefinitionException refused = sourceUpdates.read(source, source.source().load());
        if (refused != null && firstDefinitionError == null) {
          firstDefinitionError = refused;
        }
      } catch (Exception | Error e) {
        rethrowIfFatal(e);
        // A source of the user's may throw anything; it is a failed read, never a failed build.
        Exception cause = e instanceof Exception ex ? ex : new IOException("reading failed: " + describe(e), e);
        sourceUpdates.failed(source, cause);
        if (firstReadError == null) {
          firstReadError = new IllegalStateException("Cannot read flag source " + source.source().name() + ": "
              + describe(e), e);
        }
      }
    }
    assembler.startCounting();
    if (requireValid && (firstDefinitionError != null || firstReadError != null)) {
      close();
      throw firstDefinitionError != null ? firstDefinitionError : firstReadError;
    }
    sourceUpdates.assembleAll(); // applies store-only flags even when every source failed; a no-op otherwise
    watch();
  }

  private void watch() {
    store.watch(new FlagStore.StoreListener() {
      @Override
      public void changed(Collection<StoredOverride> changed, boolean fullResync) {
        if (!closed) {
          overrideSync.changed(changed, fullResync);
        }
      }

      @Override
      public void unavailable(Exception cause) {
        if (!closed) {
          overrideSync.unavailable(cause);
        }
      }
    });
    for (SourceState source : sources) {
      source.source().watch(new FlagSource.Listener() {
        @Override
        public void changed(List<FlagDocument> documents) {
          if (!closed) {
            sourceUpdates.read(source, documents);
          }
        }

        @Override
        public void failed(Exception cause) {
          if (!closed) {
            sourceUpdates.failed(source, cause);
          }
        }
      });
    }
  }

  /** Stops watching every source and closes the store. The flags in force stay. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SourceState s : sources) {
      try {
        s.source().close();
      } catch (Exception e) {
        LOG.warn("Closing flag source {} failed", s.source().name(), e);
      }
    }
    try {
      store.close();
    } catch (Exception e) {
      LOG.warn("Closing flag store {} failed", store.name(), e);
    }
  }

  /** The health of each source, in the order they were added, then of the store. */
  public List<SourceHealth> health() {
    List<SourceHealth> out = new ArrayList<>(sources.size() + 1);
    for (SourceState s : sources) {
      out.add(s.health());
    }
    // the store's own notice (e.g. polling for want of a LISTEN connection) rides on its health entry
    out.add(overrideSync.health().withNotice(store.notice().orElse(null)));
    return out;
  }

  /** Whether every source and the store are UP. */
  public boolean isHealthy() {
    for (SourceState s : sources) {
      if (!s.health().isUp()) {
        return false;
      }
    }
    return overrideSync.health().isUp();
  }

  /** Whether a flag's definition in force may not be current: refused or unreadable at its source, or no store. */
  public boolean isStale(String key) {
    return !overrideSync.health().isUp() || assembler.isStaleAtSource(key);
  }

  /** How long the flags being served have not been confirmed current, in seconds: 0 while all are UP. */
  public double stalenessSeconds() {
    Instant oldest = null;
    for (SourceHealth h : health()) {
      Instant since = h.isUp() ? null : h.staleSince();
      if (since != null && (oldest == null || since.isBefore(oldest))) {
        oldest = since;
      }
    }
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
  }
}
