package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TogglesTest {

  static final String FLAGS = """
      {
        "metadata": {"team": "menus", "owner": "set"},
        "flags": {
          "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on",
                       "metadata": {"owner": "ada"}},
          "dark": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
          "no-default": {"state": "ENABLED", "variants": {"on": true, "off": false}},
          "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue"},
          "limit": {"state": "ENABLED", "variants": {"low": 10, "high": 1000}, "defaultVariant": "high"},
          "ratio": {"state": "ENABLED", "variants": {"half": 0.5, "full": 1.0}, "defaultVariant": "half"},
          "layout": {"state": "ENABLED", "variants": {"grid": {"cols": 3}}, "defaultVariant": "grid"},
          "beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                   "targeting": {"if": [{"ends_with": [{"var": "email"}, "@beta.example"]}, "on", null]}},
          "tier": {"state": "ENABLED", "variants": {"gold": "G", "std": "S"}, "defaultVariant": "std",
                   "targeting": {"if": [{"==": [{"var": "account.tier"}, "gold"]}, "gold", "std"]}},
          "rollout": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                      "targeting": {"fractional": [["on", 50], ["off", 50]]}},
          "stamp": {"state": "ENABLED", "variants": {"late": "late", "early": "early"}, "defaultVariant": "early",
                    "targeting": {"if": [{">": [{"var": "$flagd.timestamp"}, 1800000000]}, "late", "early"]}},
          "whoami": {"state": "ENABLED", "variants": {"me": "me", "other": "other"}, "defaultVariant": "other",
                     "targeting": {"if": [{"==": [{"var": "$flagd.flagKey"}, "whoami"]}, "me", "other"]}},
          "ghost": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "a",
                    "targeting": {"if": [true, "b", "a"]}}
        }
      }
      """;

  private static Toggles toggles(String flags) {
    return Toggles.builder().source(InMemorySource.of(flags)).requireValidSources(true).build();
  }

  private static Toggles strict(String flags) {
    return Toggles.builder().source(InMemorySource.of(flags)).invalidFlags(InvalidFlags.REFUSE_SOURCE)
        .requireValidSources(true).build();
  }

  @Test
  void aFlagWithoutTargetingGivesItsDefaultVariantAsStatic() {
    try (Toggles t = toggles(FLAGS)) {
      assertThat(t.isEnabled("new-menu")).isTrue();
      Evaluation<Boolean> e = t.booleanDetails("new-menu", EvaluationContext.empty(), false);
      assertThat(e.value()).isTrue();
      assertThat(e.variant()).isEqualTo("on");
      assertThat(e.reason()).isEqualTo(Reason.STATIC);
      assertThat(e.errorCode()).isNull();
    }
  }

  @Test
  void setMetadataIsMergedUnderFlagMetadata() {
    try (Toggles t = toggles(FLAGS)) {
      assertThat(t.booleanDetails("new-menu", EvaluationContext.empty(), false).flagMetadata())
          .isEqualTo(Map.of("team", "menus", "owner", "ada"));
      assertThat(t.stringDetails("color", EvaluationContext.empty(), "x").flagMetadata())
          .isEqualTo(Map.of("team", "menus", "owner", "set"));
    }
  }

  @Test
  void aDisabledFlagGivesTheCodeDefaultWithReasonDisabled() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<Boolean> e = t.booleanDetails("dark", EvaluationContext.empty(), false);
      assertThat(e.value()).isFalse();
      assertThat(e.variant()).isNull();
      assertThat(e.reason()).isEqualTo(Reason.DISABLED);
      assertThat(t.booleanValue("dark", EvaluationContext.empty(), true)).isTrue();
    }
  }

  @Test
  void aMissingDefaultVariantGivesTheCodeDefault() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<Boolean> e = t.booleanDetails("no-default", EvaluationContext.empty(), true);
      assertThat(e.value()).isTrue();
      assertThat(e.variant()).isNull();
      assertThat(e.reason()).isEqualTo(Reason.DEFAULT);
    }
  }

  @Test
  void typedValues() {
    try (Toggles t = toggles(FLAGS)) {
      EvaluationContext none = EvaluationContext.empty();
      assertThat(t.stringValue("color", none, "x")).isEqualTo("#00f");
      assertThat(t.integerValue("limit", none, 0)).isEqualTo(1000);
      assertThat(t.doubleValue("ratio", none, 0)).isEqualTo(0.5);
      assertThat(t.doubleValue("limit", none, 0)).as("whole numbers read as floats").isEqualTo(1000.0);
      assertThat(t.doubleDetails("limit", none, 0).value()).isEqualTo(1000.0);
      assertThat(t.objectValue("layout", none, null)).isEqualTo(Map.of("cols", 3));
    }
  }

  @Test
  void aTypeMismatchGivesTheCodeDefaultAndNamesTheFlag() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<Integer> e = t.integerDetails("color", EvaluationContext.empty(), 7);
      assertThat(e.value()).isEqualTo(7);
      assertThat(e.reason()).isEqualTo(Reason.ERROR);
      assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
      assertThat(e.errorMessage()).contains("'color'").contains("string");
      assertThat(t.isEnabled("color")).isFalse();
      assertThat(t.integerDetails("ratio", EvaluationContext.empty(), 1).errorCode())
          .isEqualTo(ErrorCode.TYPE_MISMATCH);
    }
  }

  @Test
  void anUnknownFlagGivesTheCodeDefaultWithFlagNotFound() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<String> e = t.stringDetails("nope", EvaluationContext.empty(), "fallback");
      assertThat(e.value()).isEqualTo("fallback");
      assertThat(e.errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
      assertThat(e.errorMessage()).isEqualTo("flag 'nope' not found");
      assertThat(e.flagMetadata()).isEmpty();
    }
  }

  @Test
  void targetingMatchesAndFallsBackToTheDefaultVariant() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<Boolean> hit = t.booleanDetails("beta",
          EvaluationContext.builder().attribute("email", "ada@beta.example").build(), false);
      assertThat(hit.value()).isTrue();
      assertThat(hit.variant()).isEqualTo("on");
      assertThat(hit.reason()).isEqualTo(Reason.TARGETING_MATCH);

      Evaluation<Boolean> miss = t.booleanDetails("beta",
          EvaluationContext.builder().attribute("email", "bob@example.com").build(), true);
      assertThat(miss.value()).isFalse();
      assertThat(miss.variant()).isEqualTo("off");
      assertThat(miss.reason()).isEqualTo(Reason.DEFAULT);
    }
  }

  @Test
  void dottedPathsReadNestedAttributes() {
    try (Toggles t = toggles(FLAGS)) {
      EvaluationContext gold = EvaluationContext.builder().attribute("account", Map.of("tier", "gold")).build();
      assertThat(t.stringValue("tier", gold, "?")).isEqualTo("G");
      assertThat(t.stringValue("tier", EvaluationContext.empty(), "?")).isEqualTo("S");
    }
  }

  @Test
  void fractionalDecisionsAreSplitsAndStickyByTargetingKey() {
    try (Toggles t = toggles(FLAGS)) {
      int on = 0;
      for (int i = 0; i < 2_000; i++) {
        EvaluationContext user = EvaluationContext.of("user-" + i);
        Evaluation<Boolean> e = t.booleanDetails("rollout", user, false);
        assertThat(e.reason()).isEqualTo(Reason.SPLIT);
        assertThat(t.booleanDetails("rollout", user, false).value()).as("sticky").isEqualTo(e.value());
        on += e.value() ? 1 : 0;
      }
      assertThat(on).as("about half of 2000").isBetween(900, 1100);
    }
  }

  @Test
  void theContextIsEnrichedWithFlagKeyAndTimestampFromTheClock() {
    Clock late = Clock.fixed(Instant.ofEpochSecond(1_900_000_000L), ZoneOffset.UTC);
    Clock early = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    try (Toggles l = Toggles.builder().source(InMemorySource.of(FLAGS)).clock(late).build();
        Toggles e = Toggles.builder().source(InMemorySource.of(FLAGS)).clock(early).build()) {
      assertThat(l.stringValue("stamp", EvaluationContext.empty(), "?")).isEqualTo("late");
      assertThat(e.stringValue("stamp", EvaluationContext.empty(), "?")).isEqualTo("early");
      assertThat(l.stringValue("whoami", EvaluationContext.empty(), "?")).isEqualTo("me");
    }
  }

  @Test
  void aRuleThatChoosesAMissingVariantIsAGeneralError() {
    try (Toggles t = toggles(FLAGS)) {
      Evaluation<String> e = t.stringDetails("ghost", EvaluationContext.empty(), "fallback");
      assertThat(e.value()).isEqualTo("fallback");
      assertThat(e.errorCode()).isEqualTo(ErrorCode.GENERAL);
      assertThat(e.errorMessage()).contains("'ghost'").contains("'b'");
    }
  }

  @Test
  void everyEvaluationIsCountedByKeyVariantAndReason() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Toggles t = Toggles.builder().source(InMemorySource.of(FLAGS)).meterRegistry(registry).build()) {
      t.isEnabled("new-menu");
      t.isEnabled("new-menu");
      t.isEnabled("dark");
      t.isEnabled("missing");
      t.isEnabled("beta", EvaluationContext.builder().attribute("email", "x@beta.example").build());

      assertThat(count(registry, "new-menu", "on", "static")).isEqualTo(2.0);
      assertThat(count(registry, "dark", "none", "disabled")).isEqualTo(1.0);
      assertThat(count(registry, "missing", "none", "error")).isEqualTo(1.0);
      assertThat(count(registry, "beta", "on", "targeting_match")).isEqualTo(1.0);
      assertThat(registry.find("progressive.toggle.evaluations").tagKeys("targetingKey").meters()).isEmpty();
    }
  }

  static double count(SimpleMeterRegistry registry, String key, String variant, String reason) {
    var counter = registry.find("progressive.toggle.evaluations").tag("feature_flag.key", key)
        .tag("feature_flag.result.variant", variant).tag("feature_flag.result.reason", reason).functionCounter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsSurviveSnapshotSwaps() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemorySource source = InMemorySource.of(FLAGS);
    try (Toggles t = Toggles.builder().source(source).meterRegistry(registry).build()) {
      t.isEnabled("new-menu");
      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));
      t.isEnabled("new-menu");
      source.update(FLAGS);
      t.isEnabled("new-menu");
      assertThat(count(registry, "new-menu", "on", "static")).isEqualTo(3.0);
    }
  }

  @Test
  void aValidChangeIsSwappedInWithTheChangedKeys() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemorySource source = InMemorySource.of(FLAGS);
    try (Toggles t = Toggles.builder().source(source).meterRegistry(registry).build()) {
      List<FlagsChanged> events = new ArrayList<>();
      t.onChange(events::add);
      long before = t.generation();

      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\"")
          .replace("\"stamp\"", "\"stamp2\""));

      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#f00");
      assertThat(events).hasSize(1);
      assertThat(events.get(0).keys()).containsExactlyInAnyOrder("color", "stamp", "stamp2");
      assertThat(events.get(0).generation()).isEqualTo(before + 1).isEqualTo(t.generation());
      assertThat(registry.find("progressive.toggle.changes").tag("feature_flag.key", "color")
          .tag("origin", "source").counter().count()).isEqualTo(1.0);

      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\"")
          .replace("\"stamp\"", "\"stamp2\"").replace("\n", "\n  "));
      assertThat(events).as("the same flags, formatted differently, change nothing").hasSize(1);
    }
  }

  @Test
  void withWholeFileRefusalAnInvalidChangeIsRefusedWholeAndTheLastGoodFlagsStay() {
    InMemorySource source = InMemorySource.named("flags.json", FLAGS);
    try (Toggles t = Toggles.builder().source(source).invalidFlags(InvalidFlags.REFUSE_SOURCE).build()) {
      List<FlagsChanged> events = new ArrayList<>();
      List<SourceHealth> health = new ArrayList<>();
      t.onChange(events::add);
      t.onHealthChange(health::add);

      // One valid change (color) and one invalid flag in the same document: nothing is applied.
      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\"")
          .replace("\"defaultVariant\": \"high\"", "\"defaultVariant\": \"huge\""));

      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#00f");
      assertThat(t.integerValue("limit", EvaluationContext.empty(), 0)).isEqualTo(1000);
      assertThat(events).isEmpty();
      assertThat(t.isHealthy()).isFalse();
      SourceHealth stale = t.health().get(0);
      assertThat(stale.status()).as("its last good flags serve").isEqualTo(SourceHealth.Status.STALE);
      assertThat(stale.error()).contains("flags.json").contains("'limit'").contains("$.flags.limit.defaultVariant");
      assertThat(stale.lastSuccess()).isNotNull();
      assertThat(health).extracting(SourceHealth::status).containsExactly(SourceHealth.Status.STALE);

      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#f00");
      assertThat(t.isHealthy()).isTrue();
      assertThat(health).extracting(SourceHealth::status)
          .containsExactly(SourceHealth.Status.STALE, SourceHealth.Status.UP);
    }
  }

  @Test
  void invalidTargetingIsRefusedWithTheFlagAndPath() {
    InMemorySource source = InMemorySource.named("rules.json", FLAGS);
    try (Toggles t = Toggles.builder().source(source).build()) {
      source.update(FLAGS.replace("\"ends_with\"", "\"ends_wiht\""));
      assertThat(t.health().get(0).error()).contains("rules.json").contains("'beta'").contains("ends_wiht")
          .contains("$.flags.beta.targeting");
      assertThat(t.isEnabled("beta", EvaluationContext.builder().attribute("email", "a@beta.example").build()))
          .as("the last good rule still serves").isTrue();
    }
  }

  @Test
  void aSourceThatCannotBeReadStartsDownOrFailsTheBuildWhenRequired() {
    FlagSource broken = new FlagSource() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<dev.progressive.toggles.source.FlagDocument> load() throws IOException {
        throw new IOException("disk on fire");
      }
    };
    try (Toggles t = Toggles.builder().source(broken).source(InMemorySource.of(FLAGS)).build()) {
      assertThat(t.isEnabled("new-menu")).as("other sources still serve").isTrue();
      assertThat(t.health()).extracting(SourceHealth::source).containsExactly("broken", "in-memory", "store:in-memory");
      assertThat(t.health()).extracting(SourceHealth::status)
          .containsExactly(SourceHealth.Status.DOWN, SourceHealth.Status.UP, SourceHealth.Status.UP);
      assertThat(t.health().get(0).error()).contains("disk on fire");
    }
    assertThatThrownBy(() -> Toggles.builder().source(broken).requireValidSources(true).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("broken").hasMessageContaining("disk on fire");
    assertThatThrownBy(() -> toggles("{\"flags\": {\"x\": 1}}"))
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("$.flags.x");
  }

  @Test
  void laterSourcesWinForTheSameKey() {
    try (Toggles t = Toggles.builder()
        .source(InMemorySource.named("base", FLAGS))
        .source(InMemorySource.named("override", """
            {"flags": {"color": {"state": "ENABLED", "variants": {"green": "#0f0"}, "defaultVariant": "green"}}}"""))
        .build()) {
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#0f0");
      assertThat(t.isEnabled("new-menu")).isTrue();
    }
  }

  @Test
  void aThrowingListenerDoesNotStopTheSwapOrOtherListeners() {
    InMemorySource source = InMemorySource.of(FLAGS);
    try (Toggles t = Toggles.builder().source(source).build()) {
      List<FlagsChanged> seen = new ArrayList<>();
      t.onChange(e -> {
        throw new IllegalStateException("listener bug");
      });
      t.onChange(seen::add);
      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));
      assertThat(seen).hasSize(1);
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#f00");
    }
  }

  @Test
  void removingAListenerStopsIt() throws Exception {
    InMemorySource source = InMemorySource.of(FLAGS);
    try (Toggles t = Toggles.builder().source(source).build()) {
      List<FlagsChanged> seen = new ArrayList<>();
      AutoCloseable handle = t.onChange(seen::add);
      handle.close();
      source.update(FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void aBrokenRuleFailsOnlyItsFlagByDefaultOrRefusesTheSourceOnRequest() {
    String withBrokenRef = FLAGS.replace("{\"ends_with\": [{\"var\": \"email\"}, \"@beta.example\"]}",
        "{\"$ref\": \"nowhere\"}");
    assertThat(withBrokenRef).contains("nowhere");

    try (Toggles byDefault = Toggles.builder().source(InMemorySource.named("flags.json", withBrokenRef)).build()) {
      assertThat(byDefault.isEnabled("new-menu")).as("the other flags apply").isTrue();
      Evaluation<Boolean> broken = byDefault.booleanDetails("beta", EvaluationContext.empty(), true);
      assertThat(broken.value()).isTrue();
      assertThat(broken.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
      assertThat(broken.errorMessage()).contains("'beta'").contains("nowhere");
      assertThat(byDefault.health().get(0).refused()).extracting(SourceHealth.RefusedFlag::jsonPath)
          .containsExactly("$.flags.beta.targeting.if[0].$ref");
    }

    try (Toggles strict = Toggles.builder().source(InMemorySource.named("flags.json", withBrokenRef))
        .invalidFlags(InvalidFlags.REFUSE_SOURCE).build()) {
      assertThat(strict.keys()).as("refused whole").isEmpty();
      assertThat(strict.health().get(0).error()).contains("'beta'").contains("$.flags.beta.targeting.if[0]")
          .contains("nowhere");
    }

    try (Toggles lenient = Toggles.builder().source(InMemorySource.named("flags.json", withBrokenRef))
        .invalidFlags(InvalidFlags.AS_FLAGD).build()) {
      assertThat(lenient.isHealthy()).isTrue();
      assertThat(lenient.isEnabled("new-menu")).as("the other flags apply").isTrue();
      Evaluation<Boolean> broken = lenient.booleanDetails("beta", EvaluationContext.empty(), true);
      assertThat(broken.value()).isTrue();
      assertThat(broken.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
      assertThat(broken.errorMessage()).contains("'beta'").contains("nowhere");
      ProgressiveProvider p = new ProgressiveProvider(lenient);
      assertThatThrownBy(() -> p.getBooleanEvaluation("beta", false, new dev.openfeature.sdk.ImmutableContext()))
          .isInstanceOf(dev.openfeature.sdk.exceptions.ParseError.class).hasMessageContaining("'beta'");
    }
  }

  @Test
  void rulesThatCanOnlyFailAreEvaluatedAsFlagdDoesByDefaultAndRefusedWithWholeFileRefusal() {
    String negative = FLAGS.replace("[[\"on\", 50], [\"off\", 50]]", "[[\"on\", -50], [\"off\", 50]]");
    String arity = FLAGS.replace("{\"ends_with\": [{\"var\": \"email\"}, \"@beta.example\"]}",
        "{\"ends_with\": [{\"var\": \"email\"}]}");
    String semver = FLAGS.replace("{\"ends_with\": [{\"var\": \"email\"}, \"@beta.example\"]}",
        "{\"sem_ver\": [{\"var\": \"v\"}, \"===\", \"1.0.0\"]}");
    assertThat(List.of(negative, arity, semver)).noneMatch(FLAGS::equals);

    assertThatThrownBy(() -> strict(negative)).isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("'rollout'").hasMessageContaining("$.flags.rollout.targeting.fractional[0][1]")
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> strict(arity)).isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("'beta'").hasMessageContaining("ends_with needs 2 arguments");
    assertThatThrownBy(() -> strict(semver)).isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("'beta'").hasMessageContaining("unknown operator");

    try (Toggles asFlagd = toggles(negative)) {
      for (int i = 0; i < 50; i++) {
        assertThat(asFlagd.isEnabled("rollout", EvaluationContext.of("user-" + i))).as("-50 counts as 0").isFalse();
      }
    }
    try (Toggles asFlagd = toggles(arity)) {
      Evaluation<Boolean> e = asFlagd.booleanDetails("beta",
          EvaluationContext.builder().attribute("email", "a@beta.example").build(), true);
      assertThat(e.reason()).isEqualTo(Reason.DEFAULT);
      assertThat(e.value()).isFalse();
    }
  }

  @Test
  void evaluateAnswersAnyType() {
    try (Toggles t = toggles(FLAGS)) {
      assertThat(t.evaluate("color", EvaluationContext.empty()).value()).isEqualTo("#00f");
      assertThat(t.evaluate("limit", EvaluationContext.empty()).value()).isEqualTo(1000);
      assertThat(t.evaluate("layout", EvaluationContext.empty()).value()).isEqualTo(Map.of("cols", 3));
      Evaluation<Object> beta = t.evaluate("beta", EvaluationContext.builder().attribute("email", "a@beta.example")
          .build());
      assertThat(beta.value()).isEqualTo(true);
      assertThat(beta.reason()).isEqualTo(Reason.TARGETING_MATCH);
      assertThat(t.evaluate("dark", EvaluationContext.empty()).value()).isNull();
      assertThat(t.evaluate("nope", EvaluationContext.empty()).errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    }
  }

  @Test
  void aRefusedChangeIsLoggedOnceNotOnEveryRead() {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    InMemorySource source = InMemorySource.named("flags.json", FLAGS);
    try (Toggles t = Toggles.builder().source(source).build()) {
      System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      String invalid = FLAGS.replace("\"defaultVariant\": \"high\"", "\"defaultVariant\": \"huge\"");
      for (int i = 0; i < 5; i++) {
        source.update(invalid);
      }
      source.update(FLAGS.replace("\"defaultVariant\": \"high\"", "\"defaultVariant\": \"other\""));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log.split("Refused flag definition", -1)).as("one line per distinct error").hasSize(3);
    assertThat(log).contains("'huge'").contains("'other'");
  }

  @Test
  void keysListsTheFlagsInForce() {
    try (Toggles t = toggles(FLAGS)) {
      assertThat(t.keys()).contains("new-menu", "color", "rollout").doesNotContain("nope");
    }
  }
}
