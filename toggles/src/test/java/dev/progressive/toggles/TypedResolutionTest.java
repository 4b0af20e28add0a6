package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import dev.progressive.toggles.source.InMemorySource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coercion of a variant's value to the type asked for, shared by the native API and the OpenFeature provider
 * (internal.engine.TypedResolution): both give the same value for the same flag, refuse the same values, and convert
 * each value once, when its flag is compiled, so that reading it allocates nothing.
 */
class TypedResolutionTest {

  private static final String FLAGS = """
      {"flags": {
        "small": {"state": "ENABLED", "variants": {"a": 7, "b": 8}, "defaultVariant": "a"},
        "big": {"state": "ENABLED", "variants": {"a": 3000000000, "b": 1}, "defaultVariant": "a"},
        "ratio": {"state": "ENABLED", "variants": {"whole": 2, "half": 0.5}, "defaultVariant": "whole"},
        "off": {"state": "DISABLED", "variants": {"a": 1}, "defaultVariant": "a"},
        "on": {"state": "ENABLED", "variants": {"yes": true, "no": false}, "defaultVariant": "yes"},
        "name": {"state": "ENABLED", "variants": {"x": "ada"}, "defaultVariant": "x"}
      }}""";

  private final Toggles toggles = Toggles.builder().source(InMemorySource.of(FLAGS)).build();
  private final ProgressiveProvider provider = new ProgressiveProvider(toggles);
  private final EvaluationContext nobody = EvaluationContext.empty();
  private final ImmutableContext ofNobody = new ImmutableContext();

  @AfterEach
  void close() {
    toggles.close();
  }

  @Test
  void anIntThatFitsIsTheSameThroughBothApis() {
    assertThat(toggles.integerValue("small", nobody, -1)).isEqualTo(7);
    assertThat(toggles.integerDetails("small", nobody, -1).value()).isEqualTo(7);
    assertThat(provider.getIntegerEvaluation("small", -1, ofNobody).getValue()).isEqualTo(7);
    assertThat(provider.getLongEvaluation("small", -1L, ofNobody).getValue()).isEqualTo(7L);
  }

  @Test
  void aWholeNumberBeyondAnIntIsRefusedAsAnIntByBothApisAndReadAsALong() {
    assertThat(toggles.integerValue("big", nobody, -1)).isEqualTo(-1);
    Evaluation<Integer> details = toggles.integerDetails("big", nobody, -1);
    assertThat(details.value()).isEqualTo(-1);
    assertThat(details.reason()).isEqualTo(Reason.ERROR);
    assertThat(details.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.errorMessage()).isEqualTo("flag 'big': variant 'a' does not fit an int");

    assertThatThrownBy(() -> provider.getIntegerEvaluation("big", -1, ofNobody))
        .isInstanceOf(TypeMismatchError.class)
        .hasMessage("flag 'big': variant 'a' does not fit an int; read it as a long");
    assertThat(provider.getLongEvaluation("big", -1L, ofNobody).getValue()).isEqualTo(3_000_000_000L);
    assertThat(toggles.evaluate("big", nobody).value()).isEqualTo(3_000_000_000L);
  }

  @Test
  void aWholeVariantOfAFloatFlagIsADoubleThroughBothApis() {
    assertThat(toggles.doubleValue("ratio", nobody, -1)).isEqualTo(2.0);
    Evaluation<Double> details = toggles.doubleDetails("ratio", nobody, -1);
    assertThat(details.value()).isEqualTo(2.0);
    assertThat(details.variant()).isEqualTo("whole");
    assertThat(details.reason()).isEqualTo(Reason.STATIC);
    assertThat(provider.getDoubleEvaluation("ratio", -1.0, ofNobody).getValue()).isEqualTo(2.0);
  }

  @Test
  void theCallersDefaultAppliesThroughBothApisWhenTheFlagIsDisabled() {
    assertThat(toggles.integerValue("off", nobody, -1)).isEqualTo(-1);
    assertThat(toggles.integerDetails("off", nobody, -1).reason()).isEqualTo(Reason.DISABLED);
    ProviderEvaluation<Long> viaProvider = provider.getLongEvaluation("off", -1L, ofNobody);
    assertThat(viaProvider.getValue()).isEqualTo(-1L);
    assertThat(viaProvider.getReason()).isEqualTo("DISABLED");
    assertThat(provider.getDoubleEvaluation("off", -1.5, ofNobody).getValue()).isEqualTo(-1.5);
  }

  @Test
  void booleansAndStringsAreTheSameThroughBothApis() {
    assertThat(toggles.booleanValue("on", nobody, false)).isTrue();
    assertThat(provider.getBooleanEvaluation("on", false, ofNobody).getValue()).isTrue();
    assertThat(toggles.stringValue("name", nobody, "?")).isEqualTo("ada");
    assertThat(provider.getStringEvaluation("name", "?", ofNobody).getValue()).isEqualTo("ada");
  }

  @Test
  void eachValueIsConvertedOnceSoThatReadingItAllocatesNothing() {
    // Long.valueOf(3000000000L) would be a new object on every call: the one read here was made at compile time.
    Long first = provider.getLongEvaluation("big", -1L, ofNobody).getValue();
    Long second = provider.getLongEvaluation("big", -1L, ofNobody).getValue();
    assertThat(second).isSameAs(first);
    // Likewise the Double of a whole float variant, through both APIs.
    Double viaProvider = provider.getDoubleEvaluation("ratio", -1.0, ofNobody).getValue();
    assertThat(toggles.doubleDetails("ratio", nobody, -1).value()).isSameAs(viaProvider);
    assertThat(provider.getDoubleEvaluation("ratio", -1.0, ofNobody).getValue()).isSameAs(viaProvider);
  }
}
