package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.bucketing.FractionalHashing;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 15, part 1: an evaluator is compiled once per document and shared by every flag and $ref that uses it. */
class SharedEvaluatorsTest {

  private static final SharedEvaluators EVALUATORS = shared(Map.of(
      "beta", "{\"ends_with\": [{\"var\": \"email\"}, \"@beta.example\"]}",
      "me", "{\"==\": [{\"var\": \"$flagd.flagKey\"}, \"f1\"]}",
      "split", "{\"fractional\": [[\"a\", 50], [\"b\", 50]]}",
      "broken", "{\"nope\": 1}"));

  private static SharedEvaluators shared(Map<String, String> rules) {
    Map<String, JsonNode> parsed = new LinkedHashMap<>();
    rules.forEach((k, v) -> parsed.put(k, Rules.json(v)));
    return SharedEvaluators.of(parsed);
  }

  private static Expr compile(String flagKey, String rule, SharedEvaluators evaluators) {
    return LogicCompiler.compile(Rules.json(rule), new CompileScope("doc.json", flagKey,
        "$.flags." + flagKey + ".targeting", evaluators, FractionalHashing.v2(), true));
  }

  private static RootData data(String flagKey, String targetingKey) {
    return new RootData() {
      @Override
      public Object attribute(String name) {
        return "email".equals(name) ? "ada@beta.example" : null;
      }

      @Override
      public String targetingKey() {
        return targetingKey;
      }

      @Override
      public String flagKey() {
        return flagKey;
      }

      @Override
      public long timestampSeconds() {
        return 0;
      }
    };
  }

  @Test
  void twoFlagsShareTheVeryTreeOfAnEvaluator() {
    Expr first = compile("f1", "{\"$ref\": \"beta\"}", EVALUATORS);
    Expr second = compile("f2", "{\"$ref\": \"beta\"}", EVALUATORS);
    assertThat(second).isSameAs(first);
    assertThat(first.eval(data("f1", "u"))).isEqualTo(true);
  }

  @Test
  void aSharedEvaluatorReadsTheFlagKeyOfTheFlagBeingEvaluated() {
    Expr f1 = compile("f1", "{\"$ref\": \"me\"}", EVALUATORS);
    Expr f2 = compile("f2", "{\"$ref\": \"me\"}", EVALUATORS);
    assertThat(f2).isSameAs(f1);
    assertThat(f1.eval(data("f1", "u"))).isEqualTo(true);
    assertThat(f2.eval(data("f2", "u"))).isEqualTo(false);
  }

  @Test
  void aSharedFractionalBucketsByTheFlagBeingEvaluatedAsAnInlinedOneWould() {
    Expr shared = compile("f1", "{\"$ref\": \"split\"}", EVALUATORS);
    for (String flag : new String[] {"f1", "f2", "another-flag"}) {
      Expr inlined = LogicCompiler.compile(Rules.json("{\"fractional\": [[\"a\", 50], [\"b\", 50]]}"),
          new CompileScope("doc.json", flag, "$", Map.of(), FractionalHashing.v2(), true));
      for (int user = 0; user < 200; user++) {
        RootData d = data(flag, "user-" + user);
        assertThat(((Split) shared.eval(d)).value()).isEqualTo(((Split) inlined.eval(d)).value());
      }
    }
  }

  @Test
  void aBrokenEvaluatorIsReportedForEachFlagThatUsesIt() {
    for (String flag : new String[] {"f1", "f2"}) {
      assertThatThrownBy(() -> compile(flag, "{\"!\": {\"$ref\": \"broken\"}}", EVALUATORS))
          .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
            assertThat(e.flagKey()).isEqualTo(flag);
            assertThat(e.jsonPath()).isEqualTo("$.$evaluators.broken.nope");
            assertThat(e.detail()).isEqualTo("unknown operator 'nope' (through the $ref at $.flags." + flag
                + ".targeting['!'].$ref)");
          });
    }
  }

  @Test
  void eachUseOfASharedEvaluatorCountsItsDepth() {
    // 200 levels of nesting in an evaluator: fine once, refused when used 100 levels down
    String deep = "true";
    for (int i = 0; i < 200; i++) {
      deep = "{\"!!\": " + deep + "}";
    }
    SharedEvaluators evaluators = shared(Map.of("deep", deep));
    assertThat(compile("f1", "{\"$ref\": \"deep\"}", evaluators).eval(data("f1", "u"))).isEqualTo(true);
    String wrapped = "{\"$ref\": \"deep\"}";
    for (int i = 0; i < 100; i++) {
      wrapped = "{\"!!\": " + wrapped + "}";
    }
    String rule = wrapped;
    assertThatThrownBy(() -> compile("f2", rule, evaluators)).isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("nested deeper than 256 levels");
  }

  @Test
  void tenThousandEvaluatorsUsedByTenThousandFlagsCompileEachOnce() {
    Map<String, String> rules = new LinkedHashMap<>();
    for (int i = 0; i < 10_000; i++) {
      rules.put("e" + i, "{\"in\": [{\"var\": \"tenant\"}, [\"t" + i + "\", \"x" + i + "\"]]}");
    }
    SharedEvaluators evaluators = shared(rules);
    Expr[] compiled = new Expr[10_000];
    for (int i = 0; i < 10_000; i++) {
      compiled[i] = compile("flag-" + i, "{\"if\": [{\"$ref\": \"e" + i + "\"}, \"a\", \"b\"]}", evaluators);
    }
    // every flag compiled against the same 10,000 rules, without copying them per flag
    assertThat(compile("again", "{\"$ref\": \"e42\"}", evaluators)).isSameAs(
        compile("again2", "{\"$ref\": \"e42\"}", evaluators));
    assertThat(compiled[7].eval(data("flag-7", "u"))).isEqualTo("b");
  }
}
