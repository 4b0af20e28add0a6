package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationContextTest {

  @Test
  void readsAttributesAndTheTargetingKey() {
    EvaluationContext ctx = EvaluationContext.builder().targetingKey("user-1").attribute("email", "a@b.c").build();
    assertThat(ctx.targetingKey()).isEqualTo("user-1");
    assertThat(ctx.attribute("email")).isEqualTo("a@b.c");
    assertThat(ctx.attribute("targetingKey")).as("the targeting key answers its name").isEqualTo("user-1");
    assertThat(ctx.attribute("missing")).isNull();
    assertThat(EvaluationContext.builder().attribute("targetingKey", "explicit").targetingKey("k").build()
        .attribute("targetingKey")).as("an attribute of that name wins").isEqualTo("explicit");
  }

  @Test
  void isImmutableAndCopiesWhatItIsGiven() {
    Map<String, Object> source = new HashMap<>(Map.of("tier", "gold"));
    EvaluationContext ctx = EvaluationContext.of("k", source);
    source.put("tier", "silver");
    assertThat(ctx.attribute("tier")).isEqualTo("gold");
    assertThatThrownBy(() -> ctx.attributes().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    EvaluationContext.Builder builder = EvaluationContext.builder().attribute("a", 1);
    EvaluationContext built = builder.build();
    builder.attribute("b", 2);
    assertThat(built.attributes()).containsOnlyKeys("a");
  }

  @Test
  void equalityAndBadNames() {
    assertThat(EvaluationContext.of("k", Map.of("a", 1))).isEqualTo(EvaluationContext.builder().targetingKey("k")
        .attribute("a", 1).build());
    assertThat(EvaluationContext.empty().attributes()).isEmpty();
    assertThatThrownBy(() -> EvaluationContext.builder().attribute("", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute name");
  }

  @Test
  void holdsManyAttributesInOrderAndReplacesInPlace() {
    EvaluationContext.Builder builder = EvaluationContext.builder().targetingKey("k");
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      builder.attribute("a" + i, i);
      expected.put("a" + i, i);
    }
    builder.attribute("a1", "one").attribute("a7", "seven").attribute("a19", null);
    expected.put("a1", "one");
    expected.put("a7", "seven");
    expected.put("a19", null);
    EvaluationContext ctx = builder.build();
    assertThat(ctx.attributes()).containsExactlyEntriesOf(expected);
    assertThat(ctx.attributes()).isEqualTo(expected).hasSameHashCodeAs(expected);
    assertThat(ctx.attribute("a7")).isEqualTo("seven");
    assertThat(ctx.attribute("a12")).isEqualTo(12);
    assertThat(ctx.attribute("a19")).isNull();
    assertThat(ctx.attributes()).containsKey("a19");
    assertThat(ctx).isEqualTo(EvaluationContext.of("k", expected));
  }

  @Test
  void aBuilderThatGoesOnLeavesTheBuiltContextsAlone() {
    EvaluationContext.Builder builder = EvaluationContext.builder();
    for (int i = 0; i < 5; i++) {
      builder.attribute("a" + i, i);
    }
    EvaluationContext first = builder.build();
    builder.attribute("a4", "changed").attribute("a0", "changed").attribute("a5", 5);
    EvaluationContext second = builder.build();
    assertThat(first.attributes()).hasSize(5).containsEntry("a4", 4).containsEntry("a0", 0).doesNotContainKey("a5");
    assertThat(second.attributes()).hasSize(6).containsEntry("a4", "changed").containsEntry("a0", "changed");
  }

  @Test
  void aMapWithABadNameIsRefused() {
    Map<String, Object> bad = new HashMap<>();
    bad.put(null, 1);
    assertThatThrownBy(() -> EvaluationContext.of("k", bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute name");
  }
}
