package dev.progressive.toggles;

import static dev.progressive.toggles.internal.assembly.Failures.rethrowIfFatal;

import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.internal.assembly.FlagChanges;
import dev.progressive.toggles.internal.assembly.FlagInputs;
import dev.progressive.toggles.internal.assembly.OverrideSync;
import dev.progressive.toggles.internal.assembly.SnapshotAssembler;
import dev.progressive.toggles.internal.assembly.SourceUpdates;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.EvaluationMeters;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.internal.engine.EvaluationOutcome;
import dev.progressive.toggles.internal.engine.SourceCompiler;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.internal.engine.TypedResolution;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>This class is the facade: it wires the parts in {@code internal}, which assemble the snapshot from the sources
 * and the store's overrides, apply each source's reads, keep the overrides in step with the store, and turn each
 * outcome into the type asked for; it keeps the listeners and the builder.
 */
@SuppressWarnings("removal")
public final class Toggles implements AutoCloseable {

  /** The gauge of how long the flags being served have not been confirmed current, in seconds. */
  public static final String STALENESS = "progressive.toggle.staleness";

  private static final Logger LOG = LoggerFactory.getLogger(Toggles.class);

  private final Engine engine;
  private final FlagInputs inputs;
  private final FlagAdmin admin;
  private final VariantRecording variantRecording = new VariantRecording();
  private final List<Consumer<FlagsChanged>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SourceHealth>> healthListeners = new CopyOnWriteArrayList<>();

  private Toggles(Builder b) {
    EvaluationMeters meters = b.registry == null ? null : new EvaluationMeters(b.registry);
    this.engine = new Engine(b.clock, meters, b.valueLayer);
    FlagCompiler compiler = new FlagCompiler(b.hashing, meters, b.invalidFlags == InvalidFlags.REFUSE_SOURCE,
        b.invalidFlags == InvalidFlags.AS_FLAGD);
    List<SourceState> list = new ArrayList<>();
    Instant now = b.clock.instant();
    for (FlagSource s : b.sources) {
      list.add(new SourceState(s, now));
    }
    List<SourceState> sources = List.copyOf(list);
    FlagStore store = b.store != null ? b.store : new InMemoryFlagStore(b.clock, 10_000);
    // One lock serialises every change of the flags in force: a source's read, the store's news, ops' changes.
    Object lock = new Object();
    SnapshotAssembler assembler = new SnapshotAssembler(engine, compiler, meters, sources, this::fireChanged);
    SourceUpdates sourceUpdates = new SourceUpdates(new SourceCompiler(compiler,
        b.invalidFlags == InvalidFlags.REFUSE_SOURCE), assembler, b.clock, lock, this::fireHealth);
    OverrideSync overrideSync = new OverrideSync(store, b.clock, lock, assembler, this::fireHealth);
    this.inputs = new FlagInputs(sources, store, sourceUpdates, overrideSync, assembler, b.clock);
    this.admin = new FlagAdmin(new FlagChanges(store, assembler, overrideSync));
    if (b.registry != null) {
      TimeGauge.builder(STALENESS, inputs, TimeUnit.SECONDS, FlagInputs::stalenessSeconds)
          .description("How long the flags being served have not been confirmed current by their sources and the "
              + "store: 0 while every source and the store are UP")
          .register(b.registry);
    }
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
    EvaluationOutcome o = engine.evaluate(key, VariantType.BOOLEAN, context);
    return o.value() == null ? defaultValue : o.isTrue();
  }

  public String stringValue(String key, EvaluationContext context, String defaultValue) {
    String v = TypedResolution.stringOf(engine.evaluate(key, VariantType.STRING, context));
    return v == null ? defaultValue : v;
  }

  /** An integer flag's value; the default also when the value does not fit an int. */
  public int integerValue(String key, EvaluationContext context, int defaultValue) {
    Integer v = TypedResolution.integerOf(engine.evaluate(key, VariantType.INTEGER, context));
    return v == null ? defaultValue : v;
  }

  public double doubleValue(String key, EvaluationContext context, double defaultValue) {
    Double v = TypedResolution.doubleOf(engine.evaluate(key, VariantType.FLOAT, context));
    return v == null ? defaultValue : v;
  }

  /** An object flag's value: an unmodifiable {@code Map} (or {@code List}) of plain Java values. */
  public Object objectValue(String key, EvaluationContext context, Object defaultValue) {
    Object v = TypedResolution.objectOf(engine.evaluate(key, VariantType.OBJECT, context));
    return v == null ? defaultValue : v;
  }

  /**
   * Evaluates a flag of any type: the value is the variant's (Boolean, String, Integer or Long, Double, or an
   * unmodifiable Map), or null when the caller's default applies (disabled, no default variant, error).
   */
  public Evaluation<Object> evaluate(String key, EvaluationContext context) {
    return engine.evaluateAsDefined(key, context).evaluation(null);
  }

  public Evaluation<Boolean> booleanDetails(String key, EvaluationContext context, boolean defaultValue) {
    return engine.evaluate(key, VariantType.BOOLEAN, context).evaluation(defaultValue);
  }

  public Evaluation<String> stringDetails(String key, EvaluationContext context, String defaultValue) {
    return engine.evaluate(key, VariantType.STRING, context).evaluation(defaultValue);
  }

  /** An integer flag's evaluation; TYPE_MISMATCH with the caller's default when the value does not fit an int. */
  public Evaluation<Integer> integerDetails(String key, EvaluationContext context, int defaultValue) {
    EvaluationOutcome o = engine.evaluate(key, VariantType.INTEGER, context);
    if (TypedResolution.exceedsInteger(o)) {
      return new Evaluation<>(key, defaultValue, null, Reason.ERROR, ErrorCode.TYPE_MISMATCH,
          TypedResolution.exceedsIntegerMessage(o), o.metadata());
    }
    return o.evaluation(defaultValue);
  }

  public Evaluation<Double> doubleDetails(String key, EvaluationContext context, double defaultValue) {
    // One outcome, read once: its value and its float value come from the same snapshot.
    EvaluationOutcome o = engine.evaluate(key, VariantType.FLOAT, context);
    if (o.value() instanceof Double || o.value() == null) {
      return o.evaluation(defaultValue);
    }
    return new Evaluation<>(key, TypedResolution.doubleOf(o), o.variant(), o.reason(), null, null, o.metadata());
  }

  public Evaluation<Object> objectDetails(String key, EvaluationContext context, Object defaultValue) {
    return engine.evaluate(key, VariantType.OBJECT, context).evaluation(defaultValue);
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
    return inputs.health();
  }

  /**
   * Whether every source and the store are UP. When one is not, the last good flags and overrides are still being
   * served.
   */
  public boolean isHealthy() {
    return inputs.isHealthy();
  }

  /** The write API for ops: change flags at runtime, with actor, reason and version, and read their audit. */
  public FlagAdmin admin() {
    return admin;
  }

  /** Recording per variant, opt-in per flag: outcome and latency of the work served under each variant. */
  public VariantRecording variantRecording() {
    return variantRecording;
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

  /** The engine that evaluates the flags, shared with the OpenFeature provider in this module. */
  Engine engine() {
    return engine;
  }

  /**
   * Whether a flag's definition in force may not be current: its source refused its change or cannot be read, or the
   * store is unavailable. The OpenFeature provider answers such a flag with reason STALE.
   */
  boolean isStale(String key) {
    return inputs.isStale(key);
  }

  /** Stops watching every source. Flags stay readable with their last values. Idempotent. */
  @Override
  public void close() {
    inputs.close();
  }

  // ---- listeners ----------------------------------------------------------------------------------------------

  private void fireChanged(FlagsChanged event) {
    for (Consumer<FlagsChanged> l : changeListeners) {
      try {
        l.accept(event);
      } catch (Throwable e) { // NOPMD: a user's callback may throw anything; only a dying JVM's error goes on
        rethrowIfFatal(e);
        LOG.warn("A flag change listener failed", e);
      }
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
      toggles.inputs.start(requireValidSources);
      return toggles;
    }
  }
}
