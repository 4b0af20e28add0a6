package dev.progressive.toggles;

import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.engine.CompiledFlag;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.EvaluationMeters;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.internal.engine.Outcome;
import dev.progressive.toggles.internal.engine.Snapshot;
import dev.progressive.toggles.internal.engine.SourceCompiler;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.internal.store.Overrides;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.StoredOverride;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.progressive.toggles.internal.definition.FlagDefinition;
import java.util.Collection;
import java.util.HashMap;
import java.util.function.UnaryOperator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feature flags in the flagd format, evaluated in-process. The native API, and the engine behind the OpenFeature
 * provider.
 *
 * <pre>{@code
 * Toggles toggles = Toggles.builder()
 *     .source(FileSource.of(Path.of("flags.json")))
 *     .meterRegistry(registry)
 *     .build();
 * if (toggles.isEnabled("new-menu-search", EvaluationContext.of(userId))) { ... }
 * }</pre>
 *
 * <p>Evaluation reads one volatile snapshot: no I/O, no lock, and on the common paths no allocation. Sources are read
 * at {@link Builder#build()} and then watched; each change is parsed, validated and compiled off the evaluation path,
 * flag by flag, and swapped in. By default ({@link InvalidFlags#REFUSE_FLAG}) an invalid flag costs only that flag:
 * it keeps its last good definition, or answers PARSE_ERROR when it has none. Each refused flag is logged once and
 * named in {@link #health()}, with its file and JSON path.
 *
 * <p>When several sources define the same key, the source added last wins.
 */
@SuppressWarnings("removal")
public final class Toggles implements AutoCloseable {

  /** The gauge of how long the flags being served have not been confirmed current, in seconds. */
  public static final String STALENESS = "progressive.toggle.staleness";

  private static final Logger LOG = LoggerFactory.getLogger(Toggles.class);
  /** The answer to a null key. Not counted: a meter's tag cannot be null. */
  private static final Outcome NULL_KEY = Outcome.error(null, ErrorCode.FLAG_NOT_FOUND,
      "the flag key is null", Map.of(), null);

  private final Engine engine;
  private final FlagCompiler compiler;
  private final SourceCompiler sourceCompiler;
  private final EvaluationMeters meters;
  private final Clock clock;
  private final List<SourceState> slots;
  private final FlagStore store;
  private final FlagAdmin admin;
  private final Object swapLock = new Object();
  /** The store's overrides, by flag. Replaced under swapLock. */
  private volatile Map<String, StoredOverride> overrides = Map.of();
  /** What the last rebuild made of each flag, for the read APIs. Replaced under swapLock. */
  private volatile Map<String, Entry> entries = Map.of();
  /** Compiled overrides, reused while neither the source's flag nor the override changes. Under swapLock. */
  private final Map<String, Entry> overrideCache = new HashMap<>();
  private volatile SourceHealth storeHealth;
  private String loggedStoreError;
  private final List<Consumer<FlagsChanged>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SourceHealth>> healthListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  /** The keys whose definition in force is not what their source now gives. Replaced under swapLock. */
  private volatile Set<String> staleKeys = Set.of();
  /** True while the sources are first read: that load builds the first snapshot and is not counted as changes. */
  private boolean starting;

  private Toggles(Builder b) {
    this.clock = b.clock;
    this.meters = b.registry == null ? null : new EvaluationMeters(b.registry);
    this.engine = new Engine(b.clock, meters, b.valueLayer);
    this.compiler = new FlagCompiler(b.hashing, meters, b.invalidFlags == InvalidFlags.REFUSE_SOURCE,
        b.invalidFlags == InvalidFlags.AS_FLAGD);
    this.sourceCompiler = new SourceCompiler(compiler, b.invalidFlags == InvalidFlags.REFUSE_SOURCE);
    List<SourceState> list = new ArrayList<>();
    Instant now = b.clock.instant();
    for (FlagSource s : b.sources) {
      list.add(new SourceState(s, now));
    }
    this.slots = List.copyOf(list);
    this.store = b.store != null ? b.store : new InMemoryFlagStore(b.clock, 10_000);
    this.storeHealth = new SourceHealth(storeName(), SourceHealth.Status.UP, null, null, null);
    this.admin = new FlagAdmin(this);
    if (b.registry != null) {
      TimeGauge.builder(STALENESS, this, TimeUnit.SECONDS, Toggles::stalenessSeconds)
          .description("How long the flags being served have not been confirmed current by their sources and the "
              + "store: 0 while every source and the store are UP")
          .register(b.registry);
    }
  }

  private String storeName() {
    return "store:" + store.name();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- evaluation ---------------------------------------------------------------------------------------------

  /** Whether a boolean flag is on for nobody in particular; false when it is missing or not boolean. */
  public boolean isEnabled(String key) {
    return booleanValue(key, EvaluationContext.empty(), false);
  }

  /** Whether a boolean flag is on for this context; false when it is missing or not boolean. */
  public boolean isEnabled(String key, EvaluationContext context) {
    return booleanValue(key, context, false);
  }

  public boolean booleanValue(String key, EvaluationContext context, boolean defaultValue) {
    Object v = outcome(key, VariantType.BOOLEAN, context).value();
    return v == null ? defaultValue : (Boolean) v;
  }

  public String stringValue(String key, EvaluationContext context, String defaultValue) {
    Object v = outcome(key, VariantType.STRING, context).value();
    return v == null ? defaultValue : (String) v;
  }

  public int integerValue(String key, EvaluationContext context, int defaultValue) {
    Object v = outcome(key, VariantType.INTEGER, context).value();
    return v instanceof Integer i ? i : defaultValue;
  }

  public double doubleValue(String key, EvaluationContext context, double defaultValue) {
    Double v = outcome(key, VariantType.FLOAT, context).floatValue();
    return v == null ? defaultValue : v;
  }

  /** An object flag's value: an unmodifiable {@code Map} (or {@code List}) of plain Java values. */
  public Object objectValue(String key, EvaluationContext context, Object defaultValue) {
    Object v = outcome(key, VariantType.OBJECT, context).value();
    return v == null ? defaultValue : v;
  }

  /**
   * Evaluates a flag of any type: the value is the variant's (Boolean, String, Integer or Long, Double, or an
   * unmodifiable Map), or null when the caller's default applies (disabled, no default variant, error).
   */
  public Evaluation<Object> evaluate(String key, EvaluationContext context) {
    if (key == null) {
      return NULL_KEY.evaluation(null);
    }
    return engine.evaluateAsDefined(key, context).evaluation(null);
  }

  public Evaluation<Boolean> booleanDetails(String key, EvaluationContext context, boolean defaultValue) {
    return outcome(key, VariantType.BOOLEAN, context).evaluation(defaultValue);
  }

  public Evaluation<String> stringDetails(String key, EvaluationContext context, String defaultValue) {
    return outcome(key, VariantType.STRING, context).evaluation(defaultValue);
  }

  public Evaluation<Integer> integerDetails(String key, EvaluationContext context, int defaultValue) {
    Outcome o = outcome(key, VariantType.INTEGER, context);
    if (o.value() != null && !(o.value() instanceof Integer)) {
      return new Evaluation<>(key, defaultValue, null, Reason.ERROR, ErrorCode.TYPE_MISMATCH,
          "flag '" + key + "' variant '" + o.variant() + "' does not fit an int", o.metadata());
    }
    return o.evaluation(defaultValue);
  }

  public Evaluation<Double> doubleDetails(String key, EvaluationContext context, double defaultValue) {
    // One outcome, read once: its value and its float value come from the same snapshot.
    Outcome o = outcome(key, VariantType.FLOAT, context);
    if (o.value() instanceof Double || o.value() == null) {
      return o.evaluation(defaultValue);
    }
    return new Evaluation<>(key, o.floatValue(), o.variant(), o.reason(), null, null, o.metadata());
  }

  public Evaluation<Object> objectDetails(String key, EvaluationContext context, Object defaultValue) {
    return outcome(key, VariantType.OBJECT, context).evaluation(defaultValue);
  }

  /** Evaluates and counts; a null key answers the caller's default with FLAG_NOT_FOUND (and is not counted). */
  private Outcome outcome(String key, VariantType type, EvaluationContext context) {
    return key == null ? NULL_KEY : engine.evaluate(key, type, context);
  }

  // ---- introspection ------------------------------------------------------------------------------------------

  /** The keys of every flag in force, sorted. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(new TreeSet<>(engine.snapshot().flags().keySet()));
  }

  /**
   * The health of each source, in the order they were added, then of the store. A source is UP when everything it
   * gave is in force, STALE when its flags serve but not all as it now gives them (refused flags, each named with its
   * file and JSON path; or it cannot be read), DOWN when it serves no flags.
   */
  public List<SourceHealth> health() {
    List<SourceHealth> out = new ArrayList<>(slots.size() + 1);
    for (SourceState s : slots) {
      out.add(s.health());
    }
    out.add(storeHealth.withNotice(store.notice().orElse(null)));
    return out;
  }

  /**
   * Whether every source and the store are UP. When one is not, the last good flags and overrides are still being
   * served.
   */
  public boolean isHealthy() {
    for (SourceState s : slots) {
      if (!s.health().isUp()) {
        return false;
      }
    }
    return storeHealth.isUp();
  }

  /** The write API for ops: change flags at runtime, with actor, reason and version, and read their audit. */
  public FlagAdmin admin() {
    return admin;
  }

  /** The generation of the snapshot in force: 0 before any flags, then one more for each swap. */
  public long generation() {
    return engine.snapshot().generation();
  }

  /**
   * Calls the listener after every swap that changed flags, on the thread that applied the change. A listener that
   * throws is logged and does not stop the others.
   *
   * @return a handle that removes the listener
   */
  public AutoCloseable onChange(Consumer<FlagsChanged> listener) {
    Objects.requireNonNull(listener, "listener");
    changeListeners.add(listener);
    return () -> changeListeners.remove(listener);
  }

  /** Calls the listener whenever a source's status changes between UP and DOWN. */
  public AutoCloseable onHealthChange(Consumer<SourceHealth> listener) {
    Objects.requireNonNull(listener, "listener");
    healthListeners.add(listener);
    return () -> healthListeners.remove(listener);
  }

  /** The evaluation engine, shared with the OpenFeature provider in this module. */
  Engine engine() {
    return engine;
  }

  /** Stops watching every source. Flags stay readable with their last values. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SourceState s : slots) {
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

  // ---- applying changes ---------------------------------------------------------------------------------------

  private void start(boolean requireValid) {
    starting = true;
    try {
      Collection<StoredOverride> all = store.loadAll();
      synchronized (swapLock) {
        overrides = byKey(all);
      }
    } catch (RuntimeException e) {
      storeUnavailable(e);
    }
    FlagDefinitionException firstDefinitionError = null;
    RuntimeException firstReadError = null;
    for (SourceState slot : slots) {
      try {
        List<FlagDocument> documents = slot.source().load();
        FlagDefinitionException refused = apply(slot, documents);
        if (refused != null && firstDefinitionError == null) {
          firstDefinitionError = refused;
        }
      } catch (Exception | Error e) {
        rethrowIfFatal(e);
        // A source of the user's may throw anything; it is a failed read, never a failed build.
        Exception cause = e instanceof Exception ex ? ex : new IOException("reading failed: " + describe(e), e);
        failed(slot, cause);
        if (firstReadError == null) {
          firstReadError = new IllegalStateException("Cannot read flag source " + slot.source().name() + ": "
              + describe(e), e);
        }
      }
    }
    starting = false;
    if (requireValid && (firstDefinitionError != null || firstReadError != null)) {
      close();
      throw firstDefinitionError != null ? firstDefinitionError : firstReadError;
    }
    synchronized (swapLock) {
      rebuild("source"); // applies store-only flags even when every source failed; a no-op otherwise
    }
    store.watch(new FlagStore.StoreListener() {
      @Override
      public void changed(Collection<StoredOverride> changed, boolean fullResync) {
        if (!closed) {
          applyOverrides(changed, fullResync);
        }
      }

      @Override
      public void unavailable(Exception cause) {
        if (!closed) {
          storeUnavailable(cause);
        }
      }
    });
    for (SourceState slot : slots) {
      slot.source().watch(new FlagSource.Listener() {
        @Override
        public void changed(List<FlagDocument> documents) {
          if (!closed) {
            apply(slot, documents);
          }
        }

        @Override
        public void failed(Exception cause) {
          if (!closed) {
            Toggles.this.failed(slot, cause);
          }
        }
      });
    }
  }

  /**
   * Parses, validates and compiles a source's documents, flag by flag, and swaps in what is valid: by the
   * {@link InvalidFlags} policy, an invalid flag keeps its last good definition (or answers PARSE_ERROR), or refuses
   * the whole change.
   *
   * @return the first error, or null when everything applied
   */
  private FlagDefinitionException apply(SourceState slot, List<FlagDocument> documents) {
    synchronized (swapLock) {
      SourceCompiler.Result result;
      try {
        result = sourceCompiler.compile(documents, slot.flags());
      } catch (RuntimeException | Error e) {
        // Whatever a document does to the parser or the compiler, it is refused whole, and the thread that applies
        // it (a source's watcher) lives on. Only an error the JVM cannot go on from is rethrown, once refused.
        FlagDefinitionException wrapped = new FlagDefinitionException(slot.source().name(), null, null,
            "could not be compiled: " + describe(e), e);
        result = SourceCompiler.Result.refused(slot.flags(), wrapped);
        slot.applied(result, clock.instant());
        logRefused(slot);
        fireHealth(slot.health());
        tellSource(slot, documents, false);
        rethrowIfFatal(e);
        return wrapped;
      }
      boolean wasRefused = !slot.health().isUp() && slot.health().lastFailure() != null;
      boolean statusChanged = slot.applied(result, clock.instant());
      logRefused(slot);
      logBrokenTargeting(slot);
      if (result.clean() && wasRefused) {
        LOG.info("Flag source {} is valid again; all its flags are applied", slot.source().name());
      }
      rebuild("source");
      if (statusChanged) {
        fireHealth(slot.health());
      }
      tellSource(slot, documents, result.clean());
      return result.clean() ? null : result.errors().get(0);
    }
  }

  private static void tellSource(SourceState slot, List<FlagDocument> documents, boolean accepted) {
    try {
      slot.source().applied(documents, accepted);
    } catch (Throwable e) { // NOPMD: a user's callback may throw anything; only a dying JVM's error goes on
      rethrowIfFatal(e);
      LOG.warn("Flag source {} failed to take note of its documents", slot.source().name(), e);
    }
  }

  /** Logs each refused definition once (not on every read), with the file, the flag, the JSON path and the cost. */
  private static void logRefused(SourceState slot) {
    for (FlagDefinitionException e : slot.newErrors()) {
      String cost;
      if (slot.refusedWhole()) {
        cost = "the whole change is refused and the source's last good flags stay in force";
      } else if (e.flagKey() == null) {
        cost = slot.servesFrom(e.source()) ? "this document's last good flags stay in force"
            : "this document's flags are missing until it is fixed";
      } else if (slot.keeps(e.flagKey())) {
        cost = "its last good definition stays in force";
      } else {
        cost = "it answers PARSE_ERROR (the caller's default) until it is fixed";
      }
      LOG.error("Refused flag definition from {}; {}: {}", slot.source().name(), cost, e.getMessage());
    }
  }

  /** Logs, once each, the flags applied with a targeting error under {@link InvalidFlags#AS_FLAGD}. */
  private static void logBrokenTargeting(SourceState slot) {
    for (CompiledFlag flag : slot.newBrokenTargeting()) {
      LOG.error("Flag '{}' from {} evaluates to PARSE_ERROR: {}", flag.key(), slot.source().name(),
          flag.parseError());
    }
  }

  private void failed(SourceState slot, Exception cause) {
    String message = "cannot read " + slot.source().name() + ": " + describe(cause);
    synchronized (swapLock) {
      if (!message.equals(slot.readError())) {
        LOG.warn("Flag source {} cannot be read; its last good flags stay in force: {}", slot.source().name(),
            describe(cause));
      }
      if (slot.unreadable(message, clock.instant())) {
        fireHealth(slot.health());
      }
      refreshStaleKeys();
    }
  }

  /** Recomputes which flags in force are not what their source now gives. Holds swapLock. */
  private void refreshStaleKeys() {
    Map<String, SourceState> owner = new HashMap<>();
    for (SourceState s : slots) {
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
   * Whether a flag's definition in force may not be current: its source refused its change or cannot be read, or the
   * store is unavailable. The OpenFeature provider answers such a flag with reason STALE.
   */
  boolean isStale(String key) {
    return !storeHealth.isUp() || staleKeys.contains(key);
  }

  /** How long the flags being served have not been confirmed current, in seconds: 0 while all are UP. */
  private double stalenessSeconds() {
    Instant oldest = null;
    for (SourceHealth h : health()) {
      Instant since = h.isUp() ? null : h.staleSince();
      if (since != null && (oldest == null || since.isBefore(oldest))) {
        oldest = since;
      }
    }
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
  }

  /**
   * Merges every source's last good flags, applies the store's overrides, and swaps the result in. Holds swapLock.
   *
   * @param origin what caused the rebuild, for {@code progressive.toggle.changes}: {@code source} or {@code store}
   */
  private void rebuild(String origin) {
    Map<String, CompiledFlag> merged = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    Map<String, Outcome> broken = new HashMap<>();
    for (SourceState s : slots) {
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
    Map<String, Entry> nextEntries = new HashMap<>();
    for (Map.Entry<String, CompiledFlag> e : merged.entrySet()) {
      nextEntries.put(e.getKey(), new Entry(e.getValue(), owner.get(e.getKey()), null, e.getValue(), null));
    }
    for (StoredOverride so : overrides.values()) {
      if (so.override().isEmpty()) {
        Entry plain = nextEntries.get(so.flagKey());
        if (plain != null) {
          nextEntries.put(so.flagKey(), new Entry(plain.base, plain.source, so, plain.effective, null));
        }
        continue;
      }
      CompiledFlag base = merged.get(so.flagKey());
      Entry cached = overrideCache.get(so.flagKey());
      Entry entry;
      if (cached != null && cached.base == base && cached.stored.version() == so.version()
          && cached.stored.changeId() == so.changeId()) {
        entry = cached;
      } else {
        entry = compileOverride(so, base, owner.get(so.flagKey()));
        overrideCache.put(so.flagKey(), entry);
      }
      nextEntries.put(so.flagKey(), entry);
      if (entry.effective != null) {
        merged.put(so.flagKey(), entry.effective);
      }
    }
    overrideCache.keySet().retainAll(overrides.keySet());
    entries = Map.copyOf(nextEntries);

    Snapshot before = engine.snapshot();
    Snapshot next = new Snapshot(merged, broken, before.generation() + 1);
    Set<String> changed = before.changedKeys(next);
    if (changed.isEmpty() && before.generation() > 0) {
      return;
    }
    engine.swap(next);
    if (meters != null && !starting) {
      for (String key : changed) {
        meters.changed(key, origin);
      }
    }
    if (!changed.isEmpty()) {
      LOG.info("Flags changed ({}): {}", origin, new TreeSet<>(changed));
      FlagsChanged event = new FlagsChanged(changed, next.generation());
      for (Consumer<FlagsChanged> l : changeListeners) {
        try {
          l.accept(event);
        } catch (Throwable e) { // NOPMD: a user's callback may throw anything; only a dying JVM's error goes on
          rethrowIfFatal(e);
          LOG.warn("A flag change listener failed", e);
        }
      }
    }
  }

  /** Compiles a flag with its override; when the override does not fit, the source's flag serves. */
  private Entry compileOverride(StoredOverride so, CompiledFlag base, String sourceName) {
    String key = so.flagKey();
    try {
      ObjectNode json = Overrides.apply(key, base == null ? null : base.definition().json(), so.override());
      if (json == null) {
        throw new FlagDefinitionException(Overrides.ORIGIN, key, "$.flags." + key,
            "no source defines flag '" + key + "' any more, and its override has no whole definition");
      }
      CompiledFlag effective = compileEffective(key, json, base);
      return new Entry(base, sourceName, so, effective, null);
    } catch (FlagDefinitionException e) {
      LOG.error("The override of flag '{}' (version {}) cannot be applied; {}: {}", key, so.version(),
          base == null ? "the flag is absent" : "the source's definition serves", e.getMessage());
      return new Entry(base, sourceName, so, base, e.getMessage());
    }
  }

  private CompiledFlag compileEffective(String key, JsonNode json, CompiledFlag base) {
    FlagDefinition definition = FlagSetParser.flag(Overrides.ORIGIN, key, json);
    return compiler.compile(definition, base == null ? Map.of() : base.setMetadata(),
        base == null ? Map.of() : base.evaluators());
  }

  // ---- the store ----------------------------------------------------------------------------------------------

  private static Map<String, StoredOverride> byKey(Collection<StoredOverride> all) {
    Map<String, StoredOverride> map = new HashMap<>();
    for (StoredOverride so : all) {
      map.merge(so.flagKey(), so, (a, b) -> b.version() >= a.version() ? b : a);
    }
    return Map.copyOf(map);
  }

  /** Applies overrides written here or elsewhere; a full resync replaces them all. */
  private void applyOverrides(Collection<StoredOverride> changed, boolean fullResync) {
    synchronized (swapLock) {
      Map<String, StoredOverride> next;
      if (fullResync) {
        next = byKey(changed);
      } else {
        next = new HashMap<>(overrides);
        for (StoredOverride so : changed) {
          StoredOverride known = next.get(so.flagKey());
          if (known == null || so.version() > known.version()) {
            next.put(so.flagKey(), so);
          }
        }
        next = Map.copyOf(next);
      }
      overrides = next;
      storeAvailable();
      rebuild("store");
    }
  }

  private void storeUnavailable(Exception cause) {
    synchronized (swapLock) {
      String message = storeName() + " is unavailable: " + cause.getMessage();
      boolean wasUp = storeHealth.isUp();
      Instant now = clock.instant();
      storeHealth = new SourceHealth(storeName(), SourceHealth.Status.STALE, message, storeHealth.lastSuccess(),
          now, List.of(), wasUp || storeHealth.staleSince() == null ? now : storeHealth.staleSince());
      if (!message.equals(loggedStoreError)) {
        LOG.warn("Flag store {} is unavailable; the last known overrides stay in force: {}", store.name(),
            cause.toString());
        loggedStoreError = message;
      }
      if (wasUp) {
        fireHealth(storeHealth);
      }
    }
  }

  /** Holds swapLock. */
  private void storeAvailable() {
    boolean wasDown = !storeHealth.isUp();
    storeHealth = new SourceHealth(storeName(), SourceHealth.Status.UP, null, clock.instant(),
        storeHealth.lastFailure());
    if (wasDown) {
      LOG.info("Flag store {} is available again; overrides are in sync", store.name());
      loggedStoreError = null;
      fireHealth(storeHealth);
    }
  }

  /**
   * Validates and writes one change of a flag, then applies it here at once. Other instances apply it when their
   * store tells them.
   */
  FlagView change(String key, String action, ChangeRequest request, UnaryOperator<FlagOverride> edit) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(request, "request");
    Entry entry = entries.get(key);
    StoredOverride applied = overrides.get(key);
    StoredOverride latest = store.read(key).orElse(null);
    StoredOverride current = latest != null && (applied == null || latest.version() > applied.version()) ? latest
        : applied;
    FlagOverride before = current == null ? FlagOverride.NONE : current.override();
    FlagOverride after = edit.apply(before);
    CompiledFlag base = entry == null ? null : entry.base;
    JsonNode beforeJson = entry == null || entry.effective == null ? null : entry.effective.definition().json();
    JsonNode afterJson;
    if (after.isEmpty()) {
      afterJson = base == null ? null : base.definition().json();
    } else {
      afterJson = Overrides.apply(key, base == null ? null : base.definition().json(), after);
      if (afterJson == null) {
        throw new FlagDefinitionException(Overrides.ORIGIN, key, "$.flags." + key,
            "no flag '" + key + "' is defined; send a whole definition to create it");
      }
      compileEffective(key, afterJson, base); // validates with the compiler the sources use; throws when invalid
    }
    AuditEntry audit = new AuditEntry(0, key, 0, action, request.actor(), request.reason(), null,
        beforeJson == null ? null : beforeJson.toString(), afterJson == null ? null : afterJson.toString());
    StoredOverride stored;
    try {
      stored = store.write(key, after, request.expectedVersion(), audit);
    } catch (StoreUnavailableException e) {
      storeUnavailable(e);
      throw e;
    }
    LOG.info("Flag '{}' {} by {} (version {}), reason: {}", key, action, request.actor(), stored.version(),
        request.reason());
    applyOverrides(List.of(stored), false);
    return view(key);
  }

  /** The audit of a flag (or of all flags, for a null key). */
  List<AuditEntry> history(String key, Instant from, Instant to, int limit) {
    try {
      return store.history(key, from, to, limit);
    } catch (StoreUnavailableException e) {
      storeUnavailable(e);
      throw e;
    }
  }

  /** One flag as ops see it, or null when it does not exist. */
  FlagView view(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.view(key);
  }

  /** Every flag as ops see it, sorted by key. */
  List<FlagView> views() {
    List<FlagView> out = new ArrayList<>();
    for (String key : new TreeSet<>(entries.keySet())) {
      FlagView v = view(key);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /** What the last rebuild made of one flag: its source's flag, its override, and what is in force. */
  private record Entry(CompiledFlag base, String source, StoredOverride stored, CompiledFlag effective,
      String overrideError) {

    FlagView view(String key) {
      if (effective == null && base == null) {
        return null;
      }
      CompiledFlag inForce = effective != null ? effective : base;
      FlagDefinition d = inForce.definition();
      FlagOverride o = stored == null ? FlagOverride.NONE : stored.override();
      boolean applied = overrideError == null && !o.isEmpty();
      boolean whole = applied && o.definition() != null;
      Map<String, String> origins = new LinkedHashMap<>();
      origins.put("state", applied && (whole || o.state() != null) ? "store" : "source");
      origins.put("defaultVariant", applied && (whole || o.defaultVariant() != null) ? "store" : "source");
      origins.put("variants", whole ? "store" : "source");
      origins.put("targeting", applied && (whole || o.weights() != null) ? "store" : "source");
      return new FlagView(key, d.enabled() ? "ENABLED" : "DISABLED", d.defaultVariant(),
          List.copyOf(d.variants().keySet()), base == null ? null : source, stored == null ? 0 : stored.version(), o,
          Map.copyOf(origins), base == null ? null : base.definition().json().toString(), d.json().toString(),
          overrideError);
    }
  }

  private void fireHealth(SourceHealth health) {
    for (Consumer<SourceHealth> l : healthListeners) {
      try {
        l.accept(health);
      } catch (Throwable e) { // NOPMD: a user's callback may throw anything; only a dying JVM's error goes on
        rethrowIfFatal(e);
        LOG.warn("A flag source health listener failed", e);
      }
    }
  }

  /** Rethrows what the JVM cannot go on from (out of memory and the like); a stack overflow is not one of them. */
  private static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
      throw (VirtualMachineError) e;
    }
  }

  /** A throwable in words, even when its own toString throws. */
  private static String describe(Throwable e) {
    try {
      return String.valueOf(e);
    } catch (Throwable again) { // NOPMD: a hostile exception's message may throw
      return e.getClass().getName();
    }
  }

  /** Builds {@link Toggles}. */
  public static final class Builder {
    private final List<FlagSource> sources = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry;
    private FractionalHashing hashing = FractionalHashing.v2();
    private boolean requireValidSources;
    private InvalidFlags invalidFlags = InvalidFlags.REFUSE_FLAG;
    private FlagStore store;
    private FlagValueLayer valueLayer;

    private Builder() {}

    /**
     * Values that answer for flags before their definitions are evaluated, through this API and the OpenFeature
     * provider alike: the hook of test support such as {@code @FlagValue}. Default: none. See {@link FlagValueLayer}.
     */
    public Builder valueLayer(FlagValueLayer valueLayer) {
      this.valueLayer = Objects.requireNonNull(valueLayer, "valueLayer");
      return this;
    }

    /**
     * Where ops' changes are kept. Default: an {@link InMemoryFlagStore} of this process; use a
     * {@link dev.progressive.toggles.store.JdbcFlagStore} to share changes between the instances of a service.
     */
    public Builder store(FlagStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * What an invalid flag costs. Default {@link InvalidFlags#REFUSE_FLAG}: only that flag, which keeps its last good
     * definition, or answers PARSE_ERROR when it has none; {@link InvalidFlags#REFUSE_SOURCE} refuses the source's
     * whole change.
     */
    public Builder invalidFlags(InvalidFlags invalidFlags) {
      this.invalidFlags = Objects.requireNonNull(invalidFlags, "invalidFlags");
      return this;
    }

    /**
     * What a targeting rule that cannot be compiled does to its source's change.
     *
     * @deprecated use {@link #invalidFlags(InvalidFlags)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Builder invalidTargeting(InvalidTargeting invalidTargeting) {
      this.invalidFlags = Objects.requireNonNull(invalidTargeting, "invalidTargeting").policy();
      return this;
    }

    /** Adds a source. Sources added later win for keys that several define. */
    public Builder source(FlagSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /** The clock of {@code $flagd.timestamp} and of health times. Default: the system clock in UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where evaluations and changes are counted. Default: nowhere. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The bucketing of {@code fractional}. Default: flagd's v2. */
    public Builder hashing(FractionalHashing hashing) {
      this.hashing = Objects.requireNonNull(hashing, "hashing");
      return this;
    }

    /**
     * Whether {@link #build()} throws when a source cannot be read or holds an invalid flag at start. Default false:
     * an unreadable source starts DOWN, with no flags, an invalid flag answers PARSE_ERROR (or, with
     * {@link InvalidFlags#REFUSE_SOURCE}, its source starts DOWN), and each is applied as soon as it becomes valid.
     */
    public Builder requireValidSources(boolean requireValidSources) {
      this.requireValidSources = requireValidSources;
      return this;
    }

    /**
     * Reads every source, builds the first snapshot and starts watching.
     *
     * @throws FlagDefinitionException with {@link #requireValidSources}, when a source holds an invalid flag
     * @throws IllegalStateException with {@link #requireValidSources}, when a source cannot be read
     */
    public Toggles build() {
      Toggles toggles = new Toggles(this);
      toggles.start(requireValidSources);
      return toggles;
    }
  }
}
