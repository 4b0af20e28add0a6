package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code fractional}, with the expectations of flagd-testbed 3.9.0's fractional.feature (v2 scenarios). */
class FractionalTest {

  private static final String CARDS = """
      {"fractional": [
        {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]},
        ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]]}""";

  private static final String SHARED_SEED = """
      {"fractional": [
        {"cat": ["shared-seed", {"var": "user.name"}]},
        ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]]}""";

  private static Object eval(String flagKey, String rule, String targetingKey, Map<String, ?> attributes) {
    return Rules.compile(flagKey, rule).eval(TestRoot.of(flagKey, targetingKey, attributes));
  }

  private static Map<String, Object> user(String name) {
    return Map.of("user", Map.of("name", name));
  }

  @ParameterizedTest(name = "fractional-flag: user.name {0} -> {1}")
  @CsvSource({"jack, hearts", "queen, spades", "ten, clubs", "nine, diamonds", "3, clubs"})
  void v2Buckets(String name, String expected) {
    assertThat(eval("fractional-flag", CARDS, null, user(name))).isEqualTo(new Split(expected));
  }

  @ParameterizedTest(name = "shorthand: {0} -> {1}")
  @CsvSource({"jon@company.com, heads", "jane@company.com, tails"})
  void shorthandBucketsByFlagKeyAndTargetingKey(String targetingKey, String expected) {
    String rule = "{\"fractional\": [[\"heads\"], [\"tails\", 1]]}";
    assertThat(eval("fractional-flag-shorthand", rule, targetingKey, Map.of())).isEqualTo(new Split(expected));
  }

  @ParameterizedTest(name = "shared seed: {0} -> {1}")
  @CsvSource({"seven, hearts", "eight, diamonds", "nine, clubs", "two, spades"})
  void sharedSeedIgnoresTheFlagKey(String name, String expected) {
    assertThat(eval("fractional-flag-A-shared-seed", SHARED_SEED, null, user(name))).isEqualTo(new Split(expected));
    assertThat(eval("fractional-flag-B-shared-seed", SHARED_SEED, null, user(name))).isEqualTo(new Split(expected));
  }

  @Test
  void singleEntryAlwaysWins() {
    assertThat(eval("fractional-single-entry-flag", "{\"fractional\": [[\"single\", 1]]}", "some-targeting-key",
        Map.of())).isEqualTo(new Split("single"));
  }

  @ParameterizedTest(name = "hash edge {0} -> {1}")
  @CsvSource({"ejOoVL, lower", "bY9fO-, lower", "SI7p-, lower", "6LvT0, upper", "ceQdGm, upper"})
  void hashEdgeCases(String key, String expected) {
    String rule = "{\"fractional\": [{\"var\": \"targetingKey\"}, [\"lower\", 50], [\"upper\", 50]]}";
    assertThat(eval("fractional-hash-edge-flag", rule, key, Map.of())).isEqualTo(new Split(expected));
  }

  @ParameterizedTest(name = "nested if: {0} {1} -> {2}")
  @CsvSource({"jon@company.com, premium, premium", "jon@company.com, basic, standard",
      "user1, premium, standard", "user1, basic, standard"})
  void nestedIfAsVariant(String targetingKey, String tier, String expected) {
    String rule = """
        {"fractional": [{"var": "targetingKey"},
          [{"if": [{"==": [{"var": "tier"}, "premium"]}, "premium", "standard"]}, 50],
          ["standard", 50]]}""";
    assertThat(eval("fractional-nested-if-flag", rule, targetingKey, Map.of("tier", tier)))
        .isEqualTo(new Split(expected));
  }

  @ParameterizedTest(name = "nested var: {0} {1} -> {2}")
  @CsvSource({"jon@company.com, red, red", "jon@company.com, green, green", "user1, red, blue",
      "jon@company.com, yellow, yellow"})
  void nestedVarAsVariant(String targetingKey, String color, String expected) {
    String rule = "{\"fractional\": [{\"var\": \"targetingKey\"}, [{\"var\": \"color\"}, 50], [\"blue\", 50]]}";
    assertThat(eval("fractional-nested-var-flag", rule, targetingKey, Map.of("color", color)))
        .isEqualTo(new Split(expected));
  }

  @Test
  void nestedVariantThatIsNullGivesNull() {
    String rule = "{\"fractional\": [{\"var\": \"targetingKey\"}, [{\"var\": \"color\"}, 50], [\"blue\", 50]]}";
    assertThat(eval("fractional-nested-var-flag", rule, "jon@company.com", Map.of())).isNull();
  }

  @ParameterizedTest(name = "nested weight: {0} {1} -> {2}")
  @CsvSource({"jon@company.com, premium, red", "jon@company.com, basic, blue", "user1, premium, red",
      "user1, basic, blue"})
  void nestedIfAsWeight(String targetingKey, String tier, String expected) {
    String rule = """
        {"fractional": [{"var": "targetingKey"},
          ["red", {"if": [{"==": [{"var": "tier"}, "premium"]}, 100, 0]}],
          ["blue", 10]]}""";
    assertThat(eval("fractional-nested-weight-flag", rule, targetingKey, Map.of("tier", tier)))
        .isEqualTo(new Split(expected));
  }

  @Test
  void dynamicWeightThatIsNotANumberGivesNull() {
    String rule = "{\"fractional\": [[\"red\", {\"var\": \"w\"}], [\"blue\", 10]]}";
    assertThat(eval("f", rule, "k", Map.of("w", "many"))).isNull();
    assertThat(eval("f", rule, "k", Map.of("w", -5))).isEqualTo(new Split("blue"));
  }

  @Test
  void fractionalAsConditionGivesItsPlainValue() {
    String rule = """
        {"if": [{"fractional": [[false, 0], [true, 100]]}, "big", "small"]}""";
    assertThat(eval("fractional-as-condition-flag", rule, "some-targeting-key", Map.of())).isEqualTo("big");
    String other = """
        {"if": [{"fractional": [[false, 100], [true, 0]]}, "big", "small"]}""";
    assertThat(eval("fractional-as-condition-false-flag", other, "some-targeting-key", Map.of()))
        .isEqualTo("small");
  }

  @Test
  void missingBucketKeyAndNoTargetingKeyGivesNull() {
    String rule = "{\"fractional\": [{\"var\": \"missing_key\"}, [\"one\", 50], [\"two\", 50]]}";
    assertThat(eval("fractional-null-bucket-key-flag", rule, null, Map.of())).isNull();
  }

  @Test
  void bucketKeyThatIsNotAStringFallsBackToTheTargetingKey() {
    String withNumber = "{\"fractional\": [{\"var\": \"n\"}, [\"heads\"], [\"tails\", 1]]}";
    String shorthand = "{\"fractional\": [[\"heads\"], [\"tails\", 1]]}";
    for (String key : new String[] {"jon@company.com", "jane@company.com", "a", "b", "c"}) {
      assertThat(eval("fractional-flag-shorthand", withNumber, key, Map.of("n", 42)))
          .isEqualTo(eval("fractional-flag-shorthand", shorthand, key, Map.of()));
    }
  }

  @Test
  void allZeroWeightsGiveNull() {
    String rule = "{\"fractional\": [{\"var\": \"targetingKey\"}, [\"one\", 0], [\"two\", 0]]}";
    assertThat(eval("fractional-zero-weights-flag", rule, "any-user", Map.of())).isNull();
  }

  @Test
  void negativeWeightIsClampedToZeroAsInFlagd() {
    String rule = "{\"fractional\": [{\"var\": \"targetingKey\"}, [\"one\", -50], [\"two\", 100]]}";
    for (String key : new String[] {"any-user", "a", "b", "c", "d", "e"}) {
      assertThat(eval("fractional-negative-weight-flag", rule, key, Map.of())).isEqualTo(new Split("two"));
    }
  }

  @Test
  void bucketsFollowTheWeights() {
    String rule = "{\"fractional\": [[\"a\", 10], [\"b\", 30], [\"c\", 60]]}";
    Expr compiled = Rules.compile("weights", rule);
    Map<Object, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      counts.merge(compiled.eval(TestRoot.of("weights", "user-" + i, Map.of())), 1, Integer::sum);
    }
    assertThat(counts.get(new Split("a"))).isBetween(2_700, 3_300);
    assertThat(counts.get(new Split("b"))).isBetween(8_400, 9_600);
    assertThat(counts.get(new Split("c"))).isBetween(17_200, 18_800);
  }

  @Test
  void worksOnPlainMapDataWithATargetingKeyEntry() {
    String rule = "{\"fractional\": [[\"heads\"], [\"tails\", 1]]}";
    Object onMap = Rules.compile("fractional-flag-shorthand", rule).eval(Map.of("targetingKey", "jon@company.com"));
    assertThat(onMap).isEqualTo(new Split("heads"));
  }
}
