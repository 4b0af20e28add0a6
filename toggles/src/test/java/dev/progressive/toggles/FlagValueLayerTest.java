package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The value layer answers before the flags' definitions, through the native API and the OpenFeature provider alike,
 * and only while it gives a value.
 */
class FlagValueLayerTest {

  private static final String FLAGS = """
      {"flags": {
        "checkout": {"state": "ENABLED", "defaultVariant": "off", "variants": {"on": true, "off": false},
          "targeting": {"if": [{"==": [{"var": "country"}, "NL"]}, "on", "off"]}},
        "color": {"state": "ENABLED", "defaultVariant": "blue", "variants": {"blue": "#00f", "red": "#f00"}},
        "limit": {"state": "ENABLED", "defaultVariant": "low", "variants": {"low": 10, "high": 100}},
        "ratio": {"state": "ENABLED", "defaultVariant": "half", "variants": {"half": 0.5, "most": 0.9}},
        "menu": {"state": "ENABLED", "defaultVariant": "plain", "variants": {"plain": {"items": 3}}}
      }}
      """;

  /** A layer that a test sets and clears, for every thread. */
  private final Map<String, String> values = new ConcurrentHashMap<>();

  private Toggles toggles(SimpleMeterRegistry registry) {
    return Toggles.builder().source(InMemorySource.named("flags.json", FLAGS)).valueLayer(values::get)
        .meterRegistry(registry).build();
  }

  @Test
  void theNativeApiSeesTheLayersValuesWhileTheyAreSet() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      assertThat(t.isEnabled("checkout")).isFalse();

      values.put("checkout", "true");
      assertThat(t.isEnabled("checkout")).isTrue();
      assertThat(t.isEnabled("checkout", EvaluationContext.builder().attribute("country", "DE").build()))
          .as("the layer wins over targeting").isTrue();
      Evaluation<Boolean> details = t.booleanDetails("checkout", EvaluationContext.empty(), false);
      assertThat(details.variant()).isEqualTo(FlagValueLayer.VARIANT);
      assertThat(details.reason()).isEqualTo(Reason.STATIC);

      values.put("color", "pink");
      values.put("limit", "42");
      values.put("ratio", "0.25");
      values.put("menu", "{\"items\": [1, 2]}");
      assertThat(t.stringValue("color", null, "none")).isEqualTo("pink");
      assertThat(t.integerValue("limit", null, -1)).isEqualTo(42);
      assertThat(t.doubleValue("ratio", null, -1)).isEqualTo(0.25);
      assertThat(t.objectValue("menu", null, null)).isEqualTo(Map.of("items", List.of(1, 2)));
      assertThat(t.evaluate("limit", null).value()).as("read as the type the flag is defined with").isEqualTo(42);

      values.clear();
      assertThat(t.isEnabled("checkout")).as("cleared: the definition answers again").isFalse();
      assertThat(t.stringValue("color", null, "none")).isEqualTo("#00f");
      assertThat(t.integerValue("limit", null, -1)).isEqualTo(10);
    }
  }

  @Test
  void theOpenFeatureProviderSeesTheSameValues() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      ProgressiveProvider provider = new ProgressiveProvider(t);
      values.put("color", "pink");
      ProviderEvaluation<String> color = provider.getStringEvaluation("color", "none", new ImmutableContext());
      assertThat(color.getValue()).isEqualTo("pink");
      assertThat(color.getVariant()).isEqualTo(FlagValueLayer.VARIANT);
      assertThat(provider.getIntegerEvaluation("limit", -1, new ImmutableContext()).getValue()).isEqualTo(10);
    }
  }

  @Test
  void aValueThatIsNotOfTheTypeAskedForIsATypeMismatchNamingTheFlagAndTheValue() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      values.put("checkout", "yes");
      values.put("limit", "many");
      values.put("menu", "not json");

      Evaluation<Boolean> checkout = t.booleanDetails("checkout", null, true);
      assertThat(checkout.value()).as("the caller's default").isTrue();
      assertThat(checkout.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
      assertThat(checkout.errorMessage()).contains("'checkout'", "'yes'", "boolean");
      assertThat(t.integerDetails("limit", null, 7).errorMessage()).contains("'limit'", "'many'", "integer");
      assertThat(t.objectDetails("menu", null, Map.of()).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);

      ProgressiveProvider provider = new ProgressiveProvider(t);
      Assertions.assertThatThrownBy(() -> provider.getBooleanEvaluation("checkout", false, new ImmutableContext()))
          .isInstanceOf(TypeMismatchError.class).hasMessageContaining("'yes'");
    }
  }

  @Test
  void aLayerThatThrowsCostsOnlyThatEvaluation() {
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", FLAGS))
        .valueLayer(key -> {
          throw new IllegalStateException("broken layer");
        }).build()) {
      Evaluation<String> color = t.stringDetails("color", null, "none");
      assertThat(color.value()).isEqualTo("none");
      assertThat(color.errorCode()).isEqualTo(ErrorCode.GENERAL);
      assertThat(color.errorMessage()).contains("'color'", "broken layer");
    }
  }

  @Test
  void theLayersAnswersAreNotCountedAsEvaluations() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Toggles t = toggles(registry)) {
      t.isEnabled("checkout");
      values.put("checkout", "true");
      t.isEnabled("checkout");
      t.isEnabled("checkout");

      var counters = registry.find("progressive.toggle.evaluations").tag("feature_flag.key", "checkout")
          .functionCounters();
      assertThat(counters).extracting(c -> c.getId().getTag("feature_flag.result.variant")).containsExactly("off");
      assertThat(counters.iterator().next().count()).isEqualTo(1.0);
    }
  }
}
