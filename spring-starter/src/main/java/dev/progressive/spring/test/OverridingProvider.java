package dev.progressive.spring.test;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An OpenFeature provider that answers with a test's {@link FlagValueOverrides} when one is set for the flag, and
 * asks the real provider otherwise. Overridden answers have the variant {@value #VARIANT} and reason STATIC.
 */
public final class OverridingProvider implements FeatureProvider {

  /** The variant of an overridden answer. */
  public static final String VARIANT = "test-override";

  private final FeatureProvider delegate;
  private final FlagValueOverrides overrides;

  /**
   * Wraps a provider.
   *
   * @param delegate the real provider
   * @param overrides the test's values
   */
  public OverridingProvider(FeatureProvider delegate, FlagValueOverrides overrides) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.overrides = Objects.requireNonNull(overrides, "overrides");
  }

  @Override
  public Metadata getMetadata() {
    return delegate.getMetadata();
  }

  @Override
  public List<Hook> getProviderHooks() {
    return delegate.getProviderHooks();
  }

  @Override
  public void initialize(EvaluationContext evaluationContext) throws Exception {
    delegate.initialize(evaluationContext);
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  @SuppressWarnings("deprecation")
  public ProviderState getState() {
    return delegate.getState();
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<Boolean> overridden = override(key, Boolean::valueOf);
    return overridden != null ? overridden : delegate.getBooleanEvaluation(key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<String> overridden = override(key, Function.identity());
    return overridden != null ? overridden : delegate.getStringEvaluation(key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<Integer> overridden = override(key, Integer::valueOf);
    return overridden != null ? overridden : delegate.getIntegerEvaluation(key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Long> getLongEvaluation(String key, Long defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<Long> overridden = override(key, Long::valueOf);
    return overridden != null ? overridden : delegate.getLongEvaluation(key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<Double> overridden = override(key, Double::valueOf);
    return overridden != null ? overridden : delegate.getDoubleEvaluation(key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    ProviderEvaluation<Value> overridden = override(key, Value::new);
    return overridden != null ? overridden : delegate.getObjectEvaluation(key, defaultValue, ctx);
  }

  private <T> ProviderEvaluation<T> override(String key, Function<String, T> parse) {
    String value = overrides.value(key);
    if (value == null) {
      return null;
    }
    return ProviderEvaluation.<T>builder().value(parse.apply(value)).variant(VARIANT)
        .reason(Reason.STATIC.name()).build();
  }
}
