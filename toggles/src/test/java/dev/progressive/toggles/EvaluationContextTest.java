package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
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
}
