package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@code fractional} answers a {@link Split} in result position only. */
class SplitPositionTest {

  private static final String FIFTY_FIFTY = "{\"fractional\": [[\"on\", 50], [\"off\", 50]]}";
  private static final RootData ROOT = TestRoot.of("f", "user-1", Map.of("yes", true, "no", false));

  private static Object eval(String rule) {
    return Rules.compile("f", rule).eval(ROOT);
  }

  @Test
  void atTheRoot() {
    assertThat(eval(FIFTY_FIFTY)).isInstanceOf(Split.class);
  }

  @Test
  void inTheBranchesOfARootIf() {
    assertThat(eval("{\"if\": [{\"var\": \"yes\"}, " + FIFTY_FIFTY + ", \"x\"]}")).isInstanceOf(Split.class);
    assertThat(eval("{\"if\": [{\"var\": \"no\"}, \"x\", " + FIFTY_FIFTY + "]}")).isInstanceOf(Split.class);
    assertThat(eval("{\"?:\": [{\"var\": \"no\"}, \"x\", " + FIFTY_FIFTY + "]}")).isInstanceOf(Split.class);
    assertThat(eval("{\"if\": [{\"var\": \"no\"}, \"x\", {\"if\": [{\"var\": \"yes\"}, " + FIFTY_FIFTY
        + ", \"y\"]}]}")).isInstanceOf(Split.class);
  }

  @Test
  void inAConstantIfThatIsFoldedAway() {
    assertThat(eval("{\"if\": [true, " + FIFTY_FIFTY + ", \"x\"]}")).isInstanceOf(Split.class);
  }

  @Test
  void inARefAtTheRoot() {
    Expr compiled = LogicCompiler.compile(Rules.json("{\"$ref\": \"rollout\"}"),
        Rules.scope("f", Map.of("rollout", FIFTY_FIFTY)));
    assertThat(compiled.eval(ROOT)).isInstanceOf(Split.class);
  }

  @Test
  void notInAConditionOrUnderOtherOperators() {
    Object plain = Rules.plain(eval(FIFTY_FIFTY));
    assertThat(eval("{\"if\": [" + FIFTY_FIFTY + ", \"x\", \"y\"]}")).isEqualTo("x");
    assertThat(eval("{\"and\": [true, " + FIFTY_FIFTY + "]}")).isEqualTo(plain);
    assertThat(eval("{\"or\": [false, " + FIFTY_FIFTY + "]}")).isEqualTo(plain);
    assertThat(eval("{\"cat\": [" + FIFTY_FIFTY + "]}")).isEqualTo(plain);
    assertThat(eval("{\"var\": [\"missing\", " + FIFTY_FIFTY + "]}")).isEqualTo(plain);
    assertThat(eval("[" + FIFTY_FIFTY + "]")).isEqualTo(java.util.List.of(plain));
    assertThat(eval("{\"if\": [{\"var\": \"yes\"}, {\"and\": [" + FIFTY_FIFTY + "]}, \"x\"]}")).isEqualTo(plain);
  }

  @Test
  void notForANestedFractionalVariant() {
    Object outer = eval("{\"fractional\": [[" + FIFTY_FIFTY + ", 1]]}");
    assertThat(outer).isInstanceOf(Split.class);
    assertThat(((Split) outer).value()).isInstanceOf(String.class);
  }

  @Test
  void constantVariantsReuseOneSplitEach() {
    Expr compiled = Rules.compile("f", FIFTY_FIFTY);
    assertThat(compiled.eval(ROOT)).isSameAs(compiled.eval(ROOT));
  }

  @Test
  void nothingElseAnswersASplit() {
    assertThat(eval("{\"if\": [{\"var\": \"yes\"}, \"x\", \"y\"]}")).isEqualTo("x");
    assertThat(eval("\"x\"")).isEqualTo("x");
    assertThat(eval("{\"==\": [{\"var\": \"yes\"}, true]}")).isEqualTo(true);
  }
}
