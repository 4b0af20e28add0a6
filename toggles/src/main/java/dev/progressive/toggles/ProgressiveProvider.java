package dev.progressive.toggles;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FlagNotFoundError;
import dev.openfeature.sdk.exceptions.GeneralError;
import dev.openfeature.sdk.exceptions.ParseError;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.EvaluationOutcome;
import dev.progressive.toggles.internal.engine.TypedResolution;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.SourceHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenFeature provider of Progressive: flagd-format flags evaluated in-process by {@link Toggles}.
 *
 * <pre>{@code
 * ProgressiveProvider provider = ProgressiveProvider.of(FileSource.of(Path.of("flags.json")));
 * OpenFeatureAPI.getInstance().setProviderAndWait(provider);
 * Client client = OpenFeatureAPI.getInstance().getClient();
 * }</pre>
 *
 * <p>It follows the OpenFeature specification (section numbers refer to it):
 * <ul>
 *   <li>every typed resolver, including long (2.2.1); results carry value, variant, reason and flag metadata
 *       (2.2.3, 2.2.4, 2.2.9);</li>
 *   <li>reasons STATIC, TARGETING_MATCH, SPLIT, DEFAULT, DISABLED and ERROR, and STALE for a flag whose definition
 *       in force may not be current: its source cannot be read, its change was refused, or the store is unavailable
 *       (2.2.5);</li>
 *   <li>errors FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR and GENERAL as typed exceptions whose message names the
 *       flag (2.2.7);</li>
 *   <li>PROVIDER_CONFIGURATION_CHANGED with {@code flagsChanged} on every swap, PROVIDER_STALE when a source is no
 *       longer UP (STALE or DOWN) and PROVIDER_READY when all are UP again (5.3);</li>
 *   <li>an idempotent {@link #shutdown()} (2.5).</li>
 * </ul>
 */
public final class ProgressiveProvider extends EventProvider {

  /** The provider's name in OpenFeature's metadata. */
  public static final String NAME = "progressive";

  private static final Logger LOG = LoggerFactory.getLogger(ProgressiveProvider.class);
  private static final Metadata METADATA = () -> NAME;

  private final Toggles toggles;
  private final Engine engine;
  private final boolean ownsToggles;
  private final AtomicBoolean shutDown = new AtomicBoolean();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();

  /** A provider over a {@link Toggles} that the caller owns: {@link #shutdown()} leaves it open. */
  public ProgressiveProvider(Toggles toggles) {
    this(toggles, false);
  }

  private ProgressiveProvider(Toggles toggles, boolean ownsToggles) {
    this.toggles = Objects.requireNonNull(toggles, "toggles");
    this.engine = toggles.engine();
    this.ownsToggles = ownsToggles;
  }

  /**
   * A provider over its own {@link Toggles} reading these sources, with the default options; {@link #shutdown()}
   * closes it.
   */
  public static ProgressiveProvider of(FlagSource... sources) {
    Toggles.Builder b = Toggles.builder();
    for (FlagSource s : sources) {
      b.source(Objects.requireNonNull(s, "source"));
    }
    return of(b);
  }

  /**
   * A provider over its own {@link Toggles}, built from these options (sources, meter registry, clock,
   * {@link InvalidFlags} policy, store...); {@link #shutdown()} closes it, with its sources and store.
   *
   * <pre>{@code
   * ProgressiveProvider provider = ProgressiveProvider.of(Toggles.builder()
   *     .source(FileSource.of(Path.of("flags.json")))
   *     .meterRegistry(registry)
   *     .invalidFlags(InvalidFlags.REFUSE_SOURCE));
   * }</pre>
   *
   * @throws FlagDefinitionException or {@link IllegalStateException} as {@link Toggles.Builder#build()} does
   */
  public static ProgressiveProvider of(Toggles.Builder options) {
    return new ProgressiveProvider(Objects.requireNonNull(options, "options").build(), true);
  }

  /** The flags behind this provider. */
  public Toggles toggles() {
    return toggles;
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  /**
   * Subscribes to changes and health (5.3). Fails, so the provider is in ERROR, only when it has no flags at all
   * because its sources could not be read; a provider with some sources not UP starts READY, and a flag that could
   * not be compiled answers PARSE_ERROR.
   */
  @Override
  public void initialize(EvaluationContext evaluationContext) throws Exception {
    synchronized (subscriptions) {
      if (!subscriptions.isEmpty()) {
        return;
      }
      subscriptions.add(toggles.onChange(changed -> emitProviderConfigurationChanged(ProviderEventDetails.builder()
          .flagsChanged(new ArrayList<>(new TreeSet<>(changed.keys())))
          .message("flags changed: " + new TreeSet<>(changed.keys()))
          .build())));
      subscriptions.add(toggles.onHealthChange(this::healthChanged));
    }
    List<SourceHealth> health = toggles.health();
    if (toggles.keys().isEmpty() && engine.snapshot().broken().isEmpty() && !toggles.isHealthy()) {
      throw new GeneralError("no flags could be read: " + describeDown(health));
    }
    if (!toggles.isHealthy()) {
      LOG.warn("Starting with flag sources not UP: {}", describeDown(health));
    }
  }

  private void healthChanged(SourceHealth changed) {
    if (shutDown.get()) {
      return;
    }
    if (toggles.isHealthy()) {
      emitProviderReady(ProviderEventDetails.builder().message("all flag sources are up").build());
    } else {
      emitProviderStale(ProviderEventDetails.builder()
          .message("serving last good flags; " + describeDown(toggles.health())).build());
    }
  }

  private static String describeDown(List<SourceHealth> health) {
    StringBuilder sb = new StringBuilder();
    for (SourceHealth h : health) {
      if (!h.isUp()) {
        sb.append(sb.length() == 0 ? "" : "; ").append(h.source()).append(" is ").append(h.status()).append(": ")
            .append(h.error());
      }
    }
    return sb.toString();
  }

  /** Idempotent (2.5): stops listening, and closes the {@link Toggles} only when this provider created it. */
  @Override
  public void shutdown() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    synchronized (subscriptions) {
      for (AutoCloseable s : subscriptions) {
        try {
          s.close();
        } catch (Exception e) {
          LOG.debug("Unsubscribing failed", e);
        }
      }
      subscriptions.clear();
    }
    if (ownsToggles) {
      toggles.close();
    }
    super.shutdown();
  }

  // ---- resolvers (2.2) -----------------------------------------------------------------------------------------

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.BOOLEAN, ctx);
    Boolean value = TypedResolution.booleanOf(o);
    return result(o, value == null ? defaultValue : value);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.STRING, ctx);
    String value = TypedResolution.stringOf(o);
    return result(o, value == null ? defaultValue : value);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.INTEGER, ctx);
    if (TypedResolution.exceedsInteger(o)) {
      throw new TypeMismatchError(TypedResolution.exceedsIntegerMessage(o) + "; read it as a long");
    }
    Integer value = TypedResolution.integerOf(o);
    return result(o, value == null ? defaultValue : value);
  }

  @Override
  public ProviderEvaluation<Long> getLongEvaluation(String key, Long defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.INTEGER, ctx);
    Long value = TypedResolution.longOf(o);
    return result(o, value == null ? defaultValue : value);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.FLOAT, ctx);
    Double value = TypedResolution.doubleOf(o);
    return result(o, value == null ? defaultValue : value);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    EvaluationOutcome o = resolve(key, VariantType.OBJECT, ctx);
    Object value = TypedResolution.objectOf(o);
    // A new Value each time: OpenFeature's structures are mutable, so none is shared between callers.
    return result(o, value == null ? defaultValue : Value.objectToValue(value));
  }

  /** Resolves through the engine that the native API uses; an error becomes OpenFeature's typed one. */
  private EvaluationOutcome resolve(String key, VariantType type, EvaluationContext ctx) {
    EvaluationOutcome o = engine.evaluate(key, type, ctx);
    ErrorCode error = o.errorCode();
    if (error != null) {
      switch (error) {
        case FLAG_NOT_FOUND -> throw new FlagNotFoundError(o.errorMessage());
        case TYPE_MISMATCH -> throw new TypeMismatchError(o.errorMessage());
        case PARSE_ERROR -> throw new ParseError(o.errorMessage());
        default -> throw new GeneralError(o.errorMessage());
      }
    }
    return o;
  }

  /**
   * The result with the outcome's variant, reason (STALE when the flag's definition may not be current) and
   * metadata, which is built once per outcome. A new result per call, since OpenFeature's is mutable. Built with the
   * builder on purpose: measured through a named client, the JIT then removes the result (160 B per call with an
   * empty prebuilt context), and it does not with the all-arguments constructor (200 B).
   */
  private <T> ProviderEvaluation<T> result(EvaluationOutcome o, T value) {
    Reason reason = o.reason();
    String reasonName = reason != Reason.DISABLED && toggles.isStale(o.flagKey()) ? Reason.STALE.name()
        : reason.name();
    return ProviderEvaluation.<T>builder().value(value).variant(o.variant()).reason(reasonName)
        .flagMetadata(o.openFeatureMetadata()).build();
  }
}
