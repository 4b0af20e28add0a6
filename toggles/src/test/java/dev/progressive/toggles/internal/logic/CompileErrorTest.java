package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.FlagDefinitionException;
import org.junit.jupiter.api.Test;

/** Rules that cannot be compiled are refused with a {@link FlagDefinitionException} that points at the node. */
class CompileErrorTest {

  private static FlagDefinitionException refused(String rule) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Rules.compile("f", rule));
    assertThat(t).as(rule).isInstanceOf(FlagDefinitionException.class);
    FlagDefinitionException e = (FlagDefinitionException) t;
    assertThat(e.source()).isEqualTo("test.json");
    assertThat(e.flagKey()).isEqualTo("f");
    return e;
  }

  @Test
  void unknownOperatorNamesTheOperatorAndThePath() {
    FlagDefinitionException e = refused("{\"if\": [true, {\"ends\": [{\"var\": \"email\"}, \"x\"]}]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.if[1].ends");
    assertThat(e.detail()).contains("unknown operator 'ends'");
    assertThat(e.getMessage()).isEqualTo(
        "test.json: flag 'f': $.flags.f.targeting.if[1].ends: unknown operator 'ends'");
  }

  @Test
  void unknownOperatorDeepInsideAFractional() {
    FlagDefinitionException e = refused(
        "{\"if\": [true, {\"fractional\": [[\"a\", 1], [\"b\", 1], [{\"nope\": 1}, 1]]}]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.if[1].fractional[2][0].nope");
  }

  @Test
  void operatorNamesThatAreNotIdentifiersAreQuotedInThePath() {
    FlagDefinitionException e = refused("{\"==\": [1, {\"=~\": [1]}]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting['=='][1]['=~']");
  }

  @Test
  void anObjectWithMoreThanOneKeyIsRefused() {
    FlagDefinitionException e = refused("{\"and\": [{\"==\": [1, 1], \"!=\": [1, 2]}]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.and[0]");
    assertThat(e.detail()).contains("exactly one key").contains("==").contains("!=");
  }

  @Test
  void fractionalBucketThatIsNotAnArray() {
    FlagDefinitionException e = refused("{\"if\": [true, {\"fractional\": [[\"a\", 50], [\"b\", 50], \"c\"]}]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.if[1].fractional[2]");
    assertThat(e.detail()).contains("bucket");
  }

  @Test
  void fractionalBucketsOfTheWrongSize() {
    assertThat(refused("{\"fractional\": [[\"a\", 50], []]}").jsonPath())
        .isEqualTo("$.flags.f.targeting.fractional[1]");
    assertThat(refused("{\"fractional\": [[\"a\", 50, 3]]}").jsonPath()).isEqualTo("$.flags.f.targeting.fractional[0]");
  }

  @Test
  void fractionalWeightThatIsNotANumber() {
    FlagDefinitionException e = refused("{\"fractional\": [{\"var\": \"k\"}, [\"a\", \"50\"], [\"b\", 50]]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.fractional[1][1]");
    assertThat(e.detail()).contains("weight");
  }

  @Test
  void fractionalWeightTooLarge() {
    FlagDefinitionException e = refused("{\"fractional\": [[\"a\", 1e12], [\"b\", 50]]}");
    assertThat(e.jsonPath()).isEqualTo("$.flags.f.targeting.fractional[0][1]");
  }

  @Test
  void fractionalVariantThatIsAnArray() {
    assertThat(refused("{\"fractional\": [[[\"a\"], 50]]}").jsonPath()).isEqualTo("$.flags.f.targeting.fractional[0][0]");
  }

  @Test
  void fractionalWithoutBuckets() {
    assertThat(refused("{\"fractional\": [{\"var\": \"k\"}]}").detail()).contains("at least one bucket");
    assertThat(refused("{\"fractional\": []}").jsonPath()).isEqualTo("$.flags.f.targeting.fractional");
    assertThat(refused("{\"fractional\": \"x\"}").jsonPath()).isEqualTo("$.flags.f.targeting.fractional");
  }

  @Test
  void negativeConstantWeightIsNotAnErrorButCountsAsZero() {
    Expr rule = Rules.compile("f", "{\"fractional\": [[\"a\", -1], [\"b\", 1]]}");
    assertThat(rule.eval(TestRoot.of("f", "someone", java.util.Map.of()))).isEqualTo(new Split("b"));
  }

  @Test
  void operatorsThatFlagdAcceptsButAlwaysFailCompileToNull() {
    for (String rule : new String[] {"{\"starts_with\": [\"abc\"]}", "{\"sem_ver\": [{\"var\": \"v\"}, \"===\", \"1.0.0\"]}",
        "{\"sem_ver\": [{\"var\": \"v\"}, \"=\"]}"}) {
      Expr compiled = Rules.compile(rule);
      assertThat(compiled.isConstant()).as(rule).isTrue();
      assertThat(compiled.eval(TestRoot.of("f", null, java.util.Map.of("v", "1.0.0")))).as(rule).isNull();
    }
  }

  @Test
  void onlyFlagDefinitionExceptionIsThrown() {
    assertThatThrownBy(() -> Rules.compile("{\"in\": [1, {\"x\": 1, \"y\": 2}]}"))
        .isExactlyInstanceOf(FlagDefinitionException.class);
  }
}
