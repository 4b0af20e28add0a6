package dev.progressive.toggles.internal.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.internal.definition.FlagDefinition;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.internal.engine.CompiledFlag;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.EvaluationMeters;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.internal.engine.EvaluationOutcome;
import dev.progressive.toggles.internal.engine.Snapshot;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.internal.store.Overrides;
import dev.progressive.toggles.store.StoredOverride;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the snapshot in force from every source's flags and the store's overrides, swaps it into the engine and
 * announces what changed. Every method that changes state runs under the caller's lock (the one lock of a
 * {@code Toggles}); the read methods may be called from any thread.
 */
public final class SnapshotAssembler {

  /** Logged under the facade's name, as before the split, so that users' log settings keep working. */
  private static final Logger LOG = LoggerFactory.getLogger(Failures.TOGGLES_LOGGER);

  private final Engine engine;
  private final FlagCompiler compiler;
  private final EvaluationMeters meters;
  private final List<SourceState> sources;
  private final Consumer<FlagsChanged> announce;
  /** The store's overrides in force, by flag. */
  private volatile Map<String, StoredOverride> overrides = Map.of();
  /** What the last assembly made of each flag, for the read APIs. */
  private volatile Map<String, AssembledFlag> assembled = Map.of();
  /** Compiled overrides, reused while neither the source's flag nor the override changes. */
  private final Map<String, AssembledFlag> overrideCache = new HashMap<>();
  /** The keys whose definition in force is not what their source now gives. */
  private volatile Set<String> staleKeys = Set.of();
  /** False while the sources are first read: that load builds the first snapshot and is not counted as changes. */
  private boolean counting;

  /**
   * @param engine where each snapshot is swapped in
   * @param compiler compiles the flags that an override changes, as the sources' flags are compiled
   * @param meters where changes are counted, or null
   * @param sources the sources, in the order they were added: a later one wins a key that several define
   * @param announce told of each swap that changed flags; it must not throw
   */
  public SnapshotAssembler(Engine engine, FlagCompiler compiler, EvaluationMeters meters, List<SourceState> sources,
      Consumer<FlagsChanged> announce) {
    this.engine = engine;
    this.compiler = compiler;
    this.meters = meters;
    this.sources = List.copyOf(sources);
    this.announce = announce;
  }

  /** From now on, count each changed flag in {@code progressive.toggle.changes}; the first load is not counted. */
  public void startCounting() {
    counting = true;
  }

  /** The store's overrides in force, by flag key. */
  public Map<String, StoredOverride> overrides() {
    return overrides;
  }

  /** Replaces the store's overrides; {@link #assemble} puts them in force. Under the lock. */
  public void overrides(Map<String, StoredOverride> next) {
    overrides = Map.copyOf(next);
  }

  /** What the last assembly made of a flag, or null when no source and no override defines it. */
  public AssembledFlag flag(String key) {
    return assembled.get(key);
  }

  /** The keys of every flag that the last assembly made. */
  public Set<String> keys() {
    return assembled.keySet();
  }

  /** Whether a flag's definition in force is not what its source now gives (refused, or the source unreadable). */
  public boolean isStaleAtSource(String key) {
    return staleKeys.contains(key);
  }

  /** Recomputes which flags in force are not what their source now gives. Under the lock. */
  public void refreshStaleKeys() {
    Map<String, SourceState> owner = new HashMap<>();
    for (SourceState s : sources) {
      for (String key : s.flags().keySet()) {
        owner.put(key, s);
      }
    }
    Set<String> stale = new HashSet<>();
    owner.forEach((key, s) -> {
      if (s.isStale(key)) {
        stale.add(key);
      }
    });
    staleKeys = Set.copyOf(stale);
  }

  /**
   * Merges every source's flags in force, applies the store's overrides, and swaps the result in when it changes
   * anything. Under the lock.
   *
   * @param origin what caused it, for {@code progressive.toggle.changes}: {@code source} or {@code store}
   */
  public void assemble(String origin) {
    Map<String, CompiledFlag> merged = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    Map<String, EvaluationOutcome> broken = new HashMap<>();
    for (SourceState s : sources) {
      String name = s.source().name();
      for (Map.Entry<String, CompiledFlag> e : s.flags().entrySet()) {
        String previous = owner.put(e.getKey(), name);
        if (previous != null && !previous.equals(name)) {
          LOG.debug("Flag '{}' of {} overrides the one of {}", e.getKey(), name, previous);
        }
        merged.put(e.getKey(), e.getValue());
      }
      broken.putAll(s.broken());
    }
    refreshStaleKeys();
    Map<String, AssembledFlag> next = new HashMap<>();
    for (Map.Entry<String, CompiledFlag> e : merged.entrySet()) {
      next.put(e.getKey(), AssembledFlag.fromSourceOnly(e.getValue(), owner.get(e.getKey())));
    }
    for (StoredOverride stored : overrides.values()) {
      if (stored.override().isEmpty()) {
        AssembledFlag plain = next.get(stored.flagKey());
        if (plain != null) {
          next.put(stored.flagKey(), plain.withEmptyOverride(stored));
        }
        continue;
      }
      CompiledFlag fromSource = merged.get(stored.flagKey());
      AssembledFlag cached = overrideCache.get(stored.flagKey());
      AssembledFlag flag;
      if (cached != null && cached.fromSource() == fromSource && cached.override().version() == stored.version()
          && cached.override().changeId() == stored.changeId()) {
        flag = cached;
      } else {
        flag = withOverride(stored, fromSource, owner.get(stored.flagKey()));
        overrideCache.put(stored.flagKey(), flag);
      }
      next.put(stored.flagKey(), flag);
      if (flag.inForce() != null) {
        merged.put(stored.flagKey(), flag.inForce());
      }
    }
    overrideCache.keySet().retainAll(overrides.keySet());
    assembled = Map.copyOf(next);
    swap(merged, broken, origin);
  }

  private void swap(Map<String, CompiledFlag> flags, Map<String, EvaluationOutcome> broken, String origin) {
    Snapshot before = engine.snapshot();
    Snapshot next = new Snapshot(flags, broken, before.generation() + 1);
    Set<String> changed = before.changedKeys(next);
    if (changed.isEmpty() && before.generation() > 0) {
      return;
    }
    engine.swap(next);
    if (meters != null && counting) {
      for (String key : changed) {
        meters.changed(key, origin);
      }
    }
    if (!changed.isEmpty()) {
      LOG.info("Flags changed ({}): {}", origin, new TreeSet<>(changed));
      announce.accept(new FlagsChanged(changed, next.generation()));
    }
  }

  /** A flag with its override; when the override does not fit, the source's definition serves. */
  private AssembledFlag withOverride(StoredOverride stored, CompiledFlag fromSource, String sourceName) {
    String key = stored.flagKey();
    try {
      ObjectNode json = Overrides.apply(key, fromSource == null ? null : fromSource.definition().json(),
          stored.override());
      if (json == null) {
        throw new FlagDefinitionException(Overrides.ORIGIN, key, "$.flags." + key,
            "no source defines flag '" + key + "' any more, and its override has no whole definition");
      }
      return new AssembledFlag(fromSource, sourceName, stored, compile(key, json, fromSource), null);
    } catch (FlagDefinitionException e) {
      LOG.error("The override of flag '{}' (version {}) cannot be applied; {}: {}", key, stored.version(),
          fromSource == null ? "the flag is absent" : "the source's definition serves", e.getMessage());
      return new AssembledFlag(fromSource, sourceName, stored, fromSource, e.getMessage());
    }
  }

  /**
   * Compiles a flag's definition with an override applied, with the compiler, set metadata and shared evaluators of
   * its source's flag.
   *
   * @throws FlagDefinitionException when it is invalid
   */
  public CompiledFlag compile(String key, JsonNode json, CompiledFlag fromSource) {
    FlagDefinition definition = FlagSetParser.flag(Overrides.ORIGIN, key, json);
    return compiler.compile(definition, fromSource == null ? Map.of() : fromSource.setMetadata(),
        fromSource == null ? Map.of() : fromSource.evaluators());
  }
}
