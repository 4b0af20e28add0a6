package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.FlagDefinitionException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code $ref} to {@code $evaluators}, with flagd-testbed 3.9.0's evaluator-refs.feature. */
class RefTest {

  private static final Map<String, String> EVALUATORS =
      Map.of("is_ballmer", "{\"==\": [\"ballmer@macrosoft.com\", {\"var\": [\"email\"]}]}");

  private static Expr compile(String flagKey, String rule, Map<String, String> evaluators) {
    return LogicCompiler.compile(Rules.json(rule), Rules.scope(flagKey, evaluators));
  }

  private static Object email(Expr rule, String email) {
    return rule.eval(TestRoot.of("f", null, Map.of("email", email)));
  }

  @Test
  void reusesAnEvaluator() {
    Expr hi = compile("some-email-targeted-flag", "{\"if\": [{\"$ref\": \"is_ballmer\"}, \"hi\", \"bye\"]}",
        EVALUATORS);
    Expr yes = compile("some-other-email-targeted-flag", "{\"if\": [{\"$ref\": \"is_ballmer\"}, \"yes\", \"no\"]}",
        EVALUATORS);
    assertThat(email(hi, "ballmer@macrosoft.com")).isEqualTo("hi");
    assertThat(email(yes, "ballmer@macrosoft.com")).isEqualTo("yes");
    assertThat(email(hi, "user@example.com")).isEqualTo("bye");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"$ref\":\"is_ballmer\"}", "{ \"$ref\": \"is_ballmer\" }", "{\"$ref\" : \"is_ballmer\"}",
      "{\"$ref\": \" is_ballmer \"}"})
  void whitespaceDoesNotMatter(String ref) {
    Expr rule = compile("ref-whitespace-flag", "{\"if\": [" + ref + ", \"hi\", \"bye\"]}", EVALUATORS);
    assertThat(email(rule, "ballmer@macrosoft.com")).isEqualTo("hi");
    assertThat(email(rule, "user@example.com")).isEqualTo("bye");
  }

  @Test
  void refsCanNest() {
    Map<String, String> evaluators = Map.of("outer", "{\"!\": {\"$ref\": \"inner\"}}", "inner",
        "{\"ends_with\": [{\"var\": \"email\"}, \"@macrosoft.com\"]}");
    Expr rule = compile("f", "{\"if\": [{\"$ref\": \"outer\"}, \"outsider\", \"insider\"]}", evaluators);
    assertThat(email(rule, "ballmer@macrosoft.com")).isEqualTo("insider");
    assertThat(email(rule, "ada@example.com")).isEqualTo("outsider");
  }

  @Test
  void refToNothingIsADefinitionError() {
    assertThatThrownBy(() -> compile("ref-to-nonexistent-evaluator-flag",
        "{\"if\": [{\"$ref\": \"nonexistent_evaluator\"}, \"hit\", \"miss\"]}", EVALUATORS))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.flagKey()).isEqualTo("ref-to-nonexistent-evaluator-flag");
          assertThat(e.source()).isEqualTo("test.json");
          assertThat(e.jsonPath()).isEqualTo("$.flags.ref-to-nonexistent-evaluator-flag.targeting.if[0].$ref");
          assertThat(e.detail()).contains("nonexistent_evaluator");
        });
  }

  @Test
  void aCycleIsADefinitionError() {
    Map<String, String> evaluators = Map.of("a", "{\"and\": [true, {\"$ref\": \"b\"}]}", "b", "{\"!\": {\"$ref\": \"a\"}}");
    assertThatThrownBy(() -> compile("f", "{\"$ref\": \"a\"}", evaluators))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.detail()).contains("cycle").contains("a -> b -> a");
          assertThat(e.jsonPath()).isEqualTo("$.$evaluators.b['!'].$ref");
        });
  }

  @Test
  void anErrorInsideAnEvaluatorNamesItsPathAndTheRefSite() {
    Map<String, String> evaluators = Map.of("broken", "{\"and\": [true, {\"nope\": 1}]}");
    assertThatThrownBy(() -> compile("f", "{\"if\": [{\"$ref\": \"broken\"}, \"a\", \"b\"]}", evaluators))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.jsonPath()).isEqualTo("$.$evaluators.broken.and[1].nope");
          assertThat(e.detail()).isEqualTo(
              "unknown operator 'nope' (through the $ref at $.flags.f.targeting.if[0].$ref)");
          assertThat(e.flagKey()).isEqualTo("f");
        });
  }

  @Test
  void aSelfReferenceIsACycle() {
    Map<String, String> evaluators = Map.of("self", "{\"or\": [false, {\"$ref\": \"self\"}]}");
    assertThatThrownBy(() -> compile("f", "{\"$ref\": \"self\"}", evaluators))
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("self -> self");
  }

  @Test
  void aCycleThroughAFractionalBucketIsCaught() {
    Map<String, String> evaluators = Map.of("bucket", "{\"$ref\": \"bucket\"}");
    assertThatThrownBy(() -> compile("f", "{\"fractional\": [[\"a\", 1], {\"$ref\": \"bucket\"}]}", evaluators))
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("cycle");
  }

  @Test
  void aRefMayStandForAFractionalBucket() {
    Map<String, String> evaluators = Map.of("all-in", "[\"on\", 100]");
    Expr rule = compile("f", "{\"fractional\": [{\"$ref\": \"all-in\"}, [\"off\", 0]]}", evaluators);
    assertThat(rule.eval(TestRoot.of("f", "user", Map.of()))).isEqualTo(new Split("on"));
  }

  @Test
  void refNameMustBeAString() {
    assertThatThrownBy(() -> compile("f", "{\"$ref\": 3}", EVALUATORS))
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("$ref");
  }
}
