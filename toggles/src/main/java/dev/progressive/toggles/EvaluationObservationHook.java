package dev.progressive.toggles;

import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An OpenFeature hook that records each evaluation as an {@link Observation} named {@code feature_flag.evaluation},
 * with OpenTelemetry's feature-flag attributes: {@code feature_flag.key}, {@code feature_flag.provider.name},
 * {@code feature_flag.result.variant}, {@code feature_flag.result.reason} and, on failure, {@code error.type}. With a
 * tracing bridge (Micrometer Tracing to OpenTelemetry or Brave) each evaluation becomes a span under the current one,
 * with those attributes; with no handler registered it costs almost nothing.
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().addHooks(new EvaluationObservationHook(observationRegistry));
 * }</pre>
 *
 * <p>The targeting key is deliberately not recorded: it identifies users.
 */
public final class EvaluationObservationHook implements Hook<Object> {

  /** The observation's name: OpenTelemetry's event name for flag evaluations. */
  public static final String NAME = "feature_flag.evaluation";

  private final ObservationRegistry registry;

  public EvaluationObservationHook(ObservationRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void finallyAfter(HookContext<Object> ctx, FlagEvaluationDetails<Object> details, Map<String, Object> hints) {
    if (registry.isNoop()) {
      return;
    }
    String reason = details.getReason();
    Observation observation = Observation.createNotStarted(NAME, registry)
        .lowCardinalityKeyValue("feature_flag.key", ctx.getFlagKey())
        .lowCardinalityKeyValue("feature_flag.provider.name", ctx.getProviderMetadata() == null ? "unknown"
            : ctx.getProviderMetadata().getName())
        .lowCardinalityKeyValue("feature_flag.result.variant",
            details.getVariant() == null ? "none" : details.getVariant())
        .lowCardinalityKeyValue("feature_flag.result.reason",
            reason == null ? "unknown" : reason.toLowerCase(Locale.ROOT));
    if (details.getErrorCode() != null) {
      observation.lowCardinalityKeyValue("error.type", details.getErrorCode().name().toLowerCase(Locale.ROOT));
    }
    observation.start().stop();
  }
}
