package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.source.SourceHealth.RefusedFlag;
import dev.progressive.toggles.source.SourceHealth.Status;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every flag is compiled on its own (issue 14, part 1): a bad flag costs that flag, at the first read and at a change,
 * and health and the log name it with its file and JSON path. Whole-file refusal stays available.
 */
class PerFlagCompilationTest {

  static final String GOOD = """
      {"flags": {
        "color": {"state": "ENABLED", "variants": {"blue": "#00f", "red": "#f00"}, "defaultVariant": "blue"},
        "limit": {"state": "ENABLED", "variants": {"low": 10, "high": 1000}, "defaultVariant": "high"},
        "beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{"ends_with": [{"var": "email"}, "@beta.example"]}, "on", "off"]}}
      }}""";

  /** limit's default variant is not a variant; beta's rule uses an unknown operator. */
  static final String TWO_BAD = GOOD.replace("\"defaultVariant\": \"high\"", "\"defaultVariant\": \"huge\"")
      .replace("\"ends_with\"", "\"ends_wiht\"");

  private static final EvaluationContext BETA_USER =
      EvaluationContext.builder().attribute("email", "a@beta.example").build();

  @Test
  void atTheFirstReadABadFlagAnswersParseErrorWithTheCallersDefaultAndTheOthersServe() {
    assertThat(TWO_BAD).isNotEqualTo(GOOD);
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", TWO_BAD)).build()) {
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#00f");

      Evaluation<Integer> limit = t.integerDetails("limit", EvaluationContext.empty(), 7);
      assertThat(limit.value()).isEqualTo(7);
      assertThat(limit.reason()).isEqualTo(Reason.ERROR);
      assertThat(limit.errorCode()).isEqualTo(dev.progressive.toggles.ErrorCode.PARSE_ERROR);
      assertThat(limit.errorMessage()).contains("flags.json").contains("$.flags.limit.defaultVariant");
      Evaluation<Boolean> beta = t.booleanDetails("beta", BETA_USER, true);
      assertThat(beta.value()).isTrue();
      assertThat(beta.errorCode()).isEqualTo(dev.progressive.toggles.ErrorCode.PARSE_ERROR);
      assertThat(t.evaluate("beta", BETA_USER).errorCode()).isEqualTo(dev.progressive.toggles.ErrorCode.PARSE_ERROR);

      SourceHealth h = t.health().get(0);
      assertThat(h.status()).isEqualTo(Status.STALE);
      assertThat(h.refused()).extracting(RefusedFlag::flag, RefusedFlag::file, RefusedFlag::jsonPath,
              RefusedFlag::lastGoodServes)
          .containsExactly(tuple("limit", "flags.json", "$.flags.limit.defaultVariant", false),
              tuple("beta", "flags.json", "$.flags.beta.targeting.if[0].ends_wiht", false));
      assertThat(h.error()).contains("2 definitions refused").contains("'limit'").contains("ends_wiht");
    }
  }

  @Test
  void theProviderInitialisesWithABadFlagAndAnswersItWithParseError() {
    ProgressiveProvider provider = ProgressiveProvider.of(InMemorySource.named("flags.json", TWO_BAD));
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    try {
      api.setProviderAndWait("per-flag-first-read", provider);
      Client client = api.getClient("per-flag-first-read");
      FlagEvaluationDetails<String> color = client.getStringDetails("color", "x");
      assertThat(color.getValue()).isEqualTo("#00f");
      assertThat(color.getReason()).as("a good flag of the file is current, not stale").isEqualTo("STATIC");
      FlagEvaluationDetails<Integer> limit = client.getIntegerDetails("limit", 7);
      assertThat(limit.getValue()).isEqualTo(7);
      assertThat(limit.getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    } finally {
      provider.shutdown();
    }
  }

  @Test
  void theProviderInitialisesEvenWhenEveryFlagOfTheFileIsBad() throws Exception {
    String onlyBad = "{\"flags\": {\"limit\": {\"state\": \"ENABLED\", \"variants\": {\"low\": 10},"
        + " \"defaultVariant\": \"huge\"}}}";
    ProgressiveProvider provider = ProgressiveProvider.of(InMemorySource.named("flags.json", onlyBad));
    try {
      provider.initialize(new dev.openfeature.sdk.ImmutableContext());
      assertThatThrownBy(() -> provider.getIntegerEvaluation("limit", 7, new dev.openfeature.sdk.ImmutableContext()))
          .isInstanceOf(dev.openfeature.sdk.exceptions.ParseError.class).hasMessageContaining("huge");
    } finally {
      provider.shutdown();
    }
  }

  @Test
  void atALaterChangeABadFlagKeepsItsLastGoodDefinitionWhileEveryOtherChangeApplies() {
    InMemorySource source = InMemorySource.named("flags.json", GOOD);
    try (Toggles t = Toggles.builder().source(source).build()) {
      List<FlagsChanged> events = new ArrayList<>();
      t.onChange(events::add);
      List<SourceHealth> health = new ArrayList<>();
      t.onHealthChange(health::add);

      source.update(TWO_BAD.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));

      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).as("the good change applies")
          .isEqualTo("#f00");
      assertThat(t.integerValue("limit", EvaluationContext.empty(), 7)).as("last good").isEqualTo(1000);
      assertThat(t.isEnabled("beta", BETA_USER)).as("last good rule").isTrue();
      assertThat(events).singleElement().satisfies(e -> assertThat(e.keys()).containsExactly("color"));
      assertThat(health).extracting(SourceHealth::status).containsExactly(Status.STALE);
      SourceHealth h = t.health().get(0);
      assertThat(h.refused()).extracting(RefusedFlag::flag, RefusedFlag::lastGoodServes)
          .containsExactly(tuple("limit", true), tuple("beta", true));
      assertThat(h.lastSuccess()).isNotNull();

      // The provider tells the kept flags apart: they are STALE, the applied ones are current.
      ProgressiveProvider p = new ProgressiveProvider(t);
      var ctx = new dev.openfeature.sdk.ImmutableContext();
      assertThat(p.getIntegerEvaluation("limit", 7, ctx).getReason()).isEqualTo("STALE");
      assertThat(p.getStringEvaluation("color", "x", ctx).getReason()).isEqualTo("STATIC");

      source.update(GOOD);
      assertThat(t.isHealthy()).isTrue();
      assertThat(t.health().get(0).refused()).isEmpty();
      assertThat(health).extracting(SourceHealth::status).containsExactly(Status.STALE, Status.UP);
      assertThat(p.getIntegerEvaluation("limit", 7, ctx).getReason()).isEqualTo("STATIC");
    }
  }

  @Test
  void aFlagRemovedFromTheSourceIsRemovedEvenWhenAnotherIsRefused() {
    InMemorySource source = InMemorySource.named("flags.json", GOOD);
    try (Toggles t = Toggles.builder().source(source).build()) {
      source.update("""
          {"flags": {
            "color": {"state": "ENABLED", "variants": {"blue": "#00f"}, "defaultVariant": "nope"}
          }}""");
      assertThat(t.keys()).containsExactly("color");
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#00f");
      assertThat(t.health().get(0).status()).isEqualTo(Status.STALE);
    }
  }

  @Test
  void eachRefusedFlagIsLoggedOnceWithItsFileAndPathAndWhatItCosts() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    InMemorySource source = InMemorySource.named("flags.json", GOOD);
    try (Toggles t = Toggles.builder().source(source).build()) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (int i = 0; i < 3; i++) {
        source.update(TWO_BAD);
      }
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.split("Refused flag definition", -1)).as("once per refused flag").hasSize(3);
    assertThat(log).contains("flags.json: flag 'limit': $.flags.limit.defaultVariant")
        .contains("flags.json: flag 'beta': $.flags.beta.targeting.if[0].ends_wiht")
        .contains("its last good definition stays in force");
  }

  @Test
  void aDocumentThatCannotBeReadCostsOnlyItsOwnFlags() {
    ManualSource source = new ManualSource(new FlagDocument("a.json", GOOD),
        new FlagDocument("b.json", "{\"flags\": {\"other\": {\"state\": \"ENABLED\", \"variants\": {\"x\": 1},"
            + " \"defaultVariant\": \"x\"}}}"));
    try (Toggles t = Toggles.builder().source(source).build()) {
      assertThat(t.keys()).containsExactly("beta", "color", "limit", "other");
      source.push(new FlagDocument("a.json", GOOD.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\"")),
          new FlagDocument("b.json", "{\"flags\": {\"other\": "));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).isEqualTo("#f00");
      assertThat(t.integerValue("other", EvaluationContext.empty(), 0)).as("b.json's last good").isEqualTo(1);
      SourceHealth h = t.health().get(0);
      assertThat(h.status()).isEqualTo(Status.STALE);
      assertThat(h.refused()).singleElement().satisfies(r -> {
        assertThat(r.file()).isEqualTo("b.json");
        assertThat(r.flag()).isNull();
        assertThat(r.detail()).contains("not valid JSON");
      });
    }
  }

  @Test
  void aKeyDefinedInTwoDocumentsOfOneSourceIsRefusedNamingBoth() {
    String other = "{\"flags\": {\"color\": {\"state\": \"ENABLED\", \"variants\": {\"g\": \"#0f0\"},"
        + " \"defaultVariant\": \"g\"}}}";
    ManualSource source = new ManualSource(new FlagDocument("a.json", GOOD), new FlagDocument("b.json", other));
    try (Toggles t = Toggles.builder().source(source).build()) {
      assertThat(t.stringDetails("color", EvaluationContext.empty(), "x").errorCode())
          .isEqualTo(dev.progressive.toggles.ErrorCode.PARSE_ERROR);
      assertThat(t.integerValue("limit", EvaluationContext.empty(), 0)).isEqualTo(1000);
      assertThat(t.health().get(0).error()).contains("defined in both a.json and b.json");
    }
  }

  @Test
  void writesStillWorkOnAKeptFlagAndAWholeDefinitionRepairsABrokenOne() {
    InMemorySource source = InMemorySource.named("flags.json", GOOD);
    try (Toggles t = Toggles.builder().source(source).build()) {
      source.update(TWO_BAD);
      // A kept flag takes overrides over its last good definition.
      t.admin().setDefaultVariant("limit", "low", dev.progressive.toggles.store.ChangeRequest.of("ops", "cap", 0));
      assertThat(t.integerValue("limit", EvaluationContext.empty(), 7)).isEqualTo(10);
    }
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", TWO_BAD)).build()) {
      // A flag that never compiled has nothing to override, but a whole definition serves over its PARSE_ERROR.
      assertThatThrownBy(() -> t.admin().setState("limit", false,
          dev.progressive.toggles.store.ChangeRequest.of("ops", "off", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("send a whole definition");
      t.admin().replaceDefinition("limit", "{\"state\": \"ENABLED\", \"variants\": {\"low\": 10},"
          + " \"defaultVariant\": \"low\"}", dev.progressive.toggles.store.ChangeRequest.of("ops", "hotfix", 0));
      Evaluation<Integer> limit = t.integerDetails("limit", EvaluationContext.empty(), 7);
      assertThat(limit.value()).isEqualTo(10);
      assertThat(limit.errorCode()).isNull();
    }
  }

  @Test
  void wholeFileRefusalStaysAvailableAsAPolicy() {
    InMemorySource source = InMemorySource.named("flags.json", GOOD);
    try (Toggles t = Toggles.builder().source(source).invalidFlags(InvalidFlags.REFUSE_SOURCE).build()) {
      source.update(TWO_BAD.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "x")).as("nothing half-applied")
          .isEqualTo("#00f");
      SourceHealth h = t.health().get(0);
      assertThat(h.status()).as("the last good flags serve").isEqualTo(Status.STALE);
      assertThat(h.refused()).extracting(RefusedFlag::flag).containsExactly("limit", "beta");
      assertThat(h.error()).contains("refused whole");
    }
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", TWO_BAD))
        .invalidFlags(InvalidFlags.REFUSE_SOURCE).build()) {
      assertThat(t.keys()).isEmpty();
      assertThat(t.health().get(0).status()).as("no flags at all").isEqualTo(Status.DOWN);
    }
  }

  @Test
  void requireValidSourcesStillFailsTheBuildOnABadFlag() {
    assertThatThrownBy(() -> Toggles.builder().source(InMemorySource.named("flags.json", TWO_BAD))
        .requireValidSources(true).build())
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("$.flags.limit.defaultVariant");
  }

  @Test
  void aComparisonThatCannotBeEvaluatedIsNotAnInvalidDefinition() {
    String semver = """
        {"flags": {"new-api": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
          "targeting": {"if": [{"sem_ver": [{"var": "version"}, ">=", "2.0.0.0"]}, "on", "off"]}},
          "v2": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
          "targeting": {"if": [{"sem_ver": [{"var": "version"}, ">=", "2.0.0"]}, "on", "off"]}}}}""";
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", semver)).requireValidSources(true)
        .build()) {
      assertThat(t.isHealthy()).isTrue();
      EvaluationContext v3 = EvaluationContext.builder().attribute("version", "3.0.0").build();
      Evaluation<Boolean> e = t.booleanDetails("new-api", v3, true);
      assertThat(e.value()).as("sem_ver answers null, as in flagd").isFalse();
      assertThat(e.variant()).isEqualTo("off");
      assertThat(e.errorCode()).isNull();
      // A version from the context that is not one compares to null too.
      EvaluationContext bad = EvaluationContext.builder().attribute("version", "2.0.0.0").build();
      Evaluation<Boolean> v2 = t.booleanDetails("v2", bad, true);
      assertThat(v2.value()).isFalse();
      assertThat(v2.errorCode()).isNull();
      assertThat(t.isEnabled("v2", v3)).isTrue();
    }
    assertThatThrownBy(() -> Toggles.builder().source(InMemorySource.named("flags.json", semver))
        .invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build())
        .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("2.0.0.0");
  }

  @Test
  void theStalenessGaugeSaysHowLongTheServedFlagsHaveNotBeenConfirmedCurrent() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualSource source = new ManualSource(new FlagDocument("a.json", GOOD));
    try (Toggles t = Toggles.builder().source(source).clock(clock).meterRegistry(registry).build()) {
      TimeGauge gauge = registry.get(Toggles.STALENESS).timeGauge();
      clock.advance(Duration.ofSeconds(30));
      assertThat(gauge.value(TimeUnit.SECONDS)).as("current").isZero();

      source.push(new FlagDocument("a.json", TWO_BAD));
      clock.advance(Duration.ofSeconds(42));
      assertThat(gauge.value(TimeUnit.SECONDS)).as("a refused change").isEqualTo(42.0);
      source.fail(new IOException("gone"));
      clock.advance(Duration.ofSeconds(8));
      assertThat(gauge.value(TimeUnit.SECONDS)).as("still since the first divergence").isEqualTo(50.0);
      assertThat(t.health().get(0).status()).isEqualTo(Status.STALE);
      assertThat(t.health().get(0).error()).contains("gone");

      source.push(new FlagDocument("a.json", GOOD));
      assertThat(gauge.value(TimeUnit.SECONDS)).as("current again").isZero();
    }
  }

  @Test
  void theStalenessGaugeCountsASourceNeverReadFromTheStart() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FlagSource unreadable = new FlagSource() {
      @Override
      public String name() {
        return "unreadable";
      }

      @Override
      public List<FlagDocument> load() throws IOException {
        throw new IOException("no such file");
      }
    };
    try (Toggles t = Toggles.builder().source(unreadable).clock(clock).meterRegistry(registry).build()) {
      clock.advance(Duration.ofSeconds(5));
      assertThat(registry.get(Toggles.STALENESS).timeGauge().value(TimeUnit.SECONDS)).isEqualTo(5.0);
      assertThat(t.health().get(0).status()).isEqualTo(Status.DOWN);
    }
  }

  /** A source whose reads the test pushes, synchronously. */
  static final class ManualSource implements FlagSource {
    private final List<FlagDocument> first;
    private Listener listener;

    ManualSource(FlagDocument... documents) {
      this.first = List.of(documents);
    }

    void push(FlagDocument... documents) {
      listener.changed(List.of(documents));
    }

    void fail(Exception cause) {
      listener.failed(cause);
    }

    @Override
    public String name() {
      return "manual";
    }

    @Override
    public List<FlagDocument> load() {
      return first;
    }

    @Override
    public void watch(Listener listener) {
      this.listener = listener;
    }
  }
}
