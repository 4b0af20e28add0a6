package dev.progressive.toggles;

import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.internal.reserved.CanaryFlagWrites;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.ChangeRequestRules;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.InvalidChangeRequestException;
import dev.progressive.toggles.store.VersionConflictException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagAdminTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  private static Toggles toggles(SimpleMeterRegistry registry) {
    return Toggles.builder().source(InMemorySource.named("flags.json", TogglesTest.FLAGS)).clock(CLOCK)
        .store(new InMemoryFlagStore(CLOCK, 100)).meterRegistry(registry).build();
  }

  private static ChangeRequest by(String actor, String reason, long version) {
    return ChangeRequest.of(actor, reason, version);
  }

  @Test
  void readShowsSourceVersionAndOrigins() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      FlagView v = t.admin().flag("color").orElseThrow();
      assertThat(v.state()).isEqualTo("ENABLED");
      assertThat(v.defaultVariant()).isEqualTo("blue");
      assertThat(v.variants()).containsExactly("red", "blue");
      assertThat(v.source()).isEqualTo("flags.json");
      assertThat(v.version()).isZero();
      assertThat(v.override()).isEqualTo(FlagOverride.NONE);
      assertThat(v.origins()).containsEntry("state", "source").containsEntry("defaultVariant", "source");
      assertThat(t.admin().flag("nope")).isEmpty();
      assertThat(t.admin().flags()).extracting(FlagView::key).contains("color", "new-menu", "rollout");
    }
  }

  @Test
  void settingStateAppliesAtOnceAndIsAudited() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Toggles t = toggles(registry)) {
      List<FlagsChanged> events = new ArrayList<>();
      t.onChange(events::add);

      FlagView v = t.admin().setState("new-menu", false, by("alice", "incident 42", 0));

      assertThat(t.isEnabled("new-menu")).isFalse();
      assertThat(t.booleanDetails("new-menu", EvaluationContext.empty(), true).reason()).isEqualTo(Reason.DISABLED);
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.state()).isEqualTo("DISABLED");
      assertThat(v.origins()).containsEntry("state", "store").containsEntry("defaultVariant", "source");
      assertThat(events).singleElement().extracting(FlagsChanged::keys).isEqualTo(java.util.Set.of("new-menu"));
      assertThat(registry.find("progressive.toggle.changes").tag("feature_flag.key", "new-menu")
          .tag("origin", "store").counter().count()).isEqualTo(1.0);

      List<AuditEntry> audit = t.admin().history("new-menu", Instant.EPOCH, Instant.MAX, 10);
      assertThat(audit).hasSize(1);
      AuditEntry e = audit.get(0);
      assertThat(e.actor()).isEqualTo("alice");
      assertThat(e.reason()).isEqualTo("incident 42");
      assertThat(e.action()).isEqualTo("set-state");
      assertThat(e.version()).isEqualTo(1);
      assertThat(e.at()).isEqualTo(CLOCK.instant());
      assertThat(JSON.readTree(e.before()).get("state").asText()).isEqualTo("ENABLED");
      assertThat(JSON.readTree(e.after()).get("state").asText()).isEqualTo("DISABLED");
    }
  }

  @Test
  void aStaleVersionIsAConflictCarryingTheCurrentVersionAndStoresNothing() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      t.admin().setDefaultVariant("color", "red", by("alice", "brand", 0));
      assertThatThrownBy(() -> t.admin().setDefaultVariant("color", "blue", by("bob", "revert", 0)))
          .isInstanceOfSatisfying(VersionConflictException.class, e -> {
            assertThat(e.currentVersion()).isEqualTo(1);
            assertThat(e.expectedVersion()).isZero();
            assertThat(e.getMessage()).contains("'color'").contains("version 1");
          });
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).isEqualTo("#f00");
      assertThat(t.admin().history("color", Instant.EPOCH, Instant.MAX, 10)).hasSize(1);
    }
  }

  @Test
  void anInvalidChangeIsRefusedWithAClearErrorAndNothingIsStored() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      assertThatThrownBy(() -> t.admin().setDefaultVariant("color", "purple", by("alice", "oops", 0)))
          .isInstanceOf(FlagDefinitionException.class)
          .hasMessageContaining("'color'").hasMessageContaining("purple").hasMessageContaining("defaultVariant");
      assertThatThrownBy(() -> t.admin().setWeights("rollout", Map.of("maybe", 10), by("alice", "oops", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("'maybe' is not a variant");
      assertThatThrownBy(() -> t.admin().setWeights("beta", Map.of("on", 10), by("alice", "oops", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("no fractional rule");
      assertThatThrownBy(() -> t.admin().setWeights("rollout", Map.of("on", -1), by("alice", "oops", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("negative");
      assertThatThrownBy(() -> t.admin().replaceDefinition("color", "{\"state\": \"ENABLED\"}", by("a", "b", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("$.flags.color.variants");
      assertThatThrownBy(() -> t.admin().replaceDefinition("color", "{\"state\": \"ENABLED\", \"variants\": "
          + "{\"a\": 1}, \"targeting\": {\"nope\": []}}", by("a", "b", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("nope");
      assertThatThrownBy(() -> t.admin().setState("ghost-flag", true, by("a", "b", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("ghost-flag");

      assertThat(t.admin().history(Instant.EPOCH, Instant.MAX, 100)).isEmpty();
      assertThat(t.admin().flag("color").orElseThrow().version()).isZero();
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).isEqualTo("#00f");
    }
  }

  @Test
  void weightsChangeTheFractionalSplit() throws Exception {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      t.admin().setWeights("rollout", Map.of("on", 100, "off", 0), by("alice", "full rollout", 0));
      for (int i = 0; i < 200; i++) {
        assertThat(t.isEnabled("rollout", EvaluationContext.of("user-" + i))).isTrue();
      }
      FlagView v = t.admin().flag("rollout").orElseThrow();
      assertThat(v.origins()).containsEntry("targeting", "store");
      JsonNode buckets = JSON.readTree(v.effectiveDefinition()).get("targeting").get("fractional");
      assertThat(buckets.get(0).get(1).asInt()).isEqualTo(100);
      assertThat(buckets.get(1).get(1).asInt()).isZero();
    }
  }

  @Test
  void weightsOnAFlagWithoutTargetingCreateAFractionalRule() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      t.admin().setWeights("new-menu", Map.of("on", 0, "off", 1), by("alice", "dark launch", 0));
      assertThat(t.booleanDetails("new-menu", EvaluationContext.of("u1"), true).reason()).isEqualTo(Reason.SPLIT);
      assertThat(t.isEnabled("new-menu", EvaluationContext.of("u1"))).isFalse();
    }
  }

  @Test
  void replacingAWholeDefinitionAndRemovingTheOverrideReturnsTheSource() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      FlagView replaced = t.admin().replaceDefinition("color", """
          {"state": "ENABLED", "variants": {"green": "#0f0"}, "defaultVariant": "green"}""", by("a", "green", 0));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).isEqualTo("#0f0");
      assertThat(replaced.origins()).containsValues("store").doesNotContainValue("source");
      assertThat(replaced.sourceDefinition()).contains("#00f");

      FlagView back = t.admin().removeOverride("color", by("a", "back to source", replaced.version())).orElseThrow();
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).isEqualTo("#00f");
      assertThat(back.version()).as("versions never go back").isEqualTo(2);
      assertThat(back.override()).isEqualTo(FlagOverride.NONE);
      assertThat(back.origins()).doesNotContainValue("store");
      assertThat(t.admin().history("color", Instant.EPOCH, Instant.MAX, 10)).extracting(AuditEntry::action)
          .containsExactly("replace-definition", "remove-override");
    }
  }

  @Test
  void aStoreOnlyFlagCanBeCreatedAndRemoved() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      t.admin().replaceDefinition("kill-switch", """
          {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}""", by("a", "new", 0));
      assertThat(t.isEnabled("kill-switch")).isTrue();
      assertThat(t.admin().flag("kill-switch").orElseThrow().source()).isNull();
      assertThat(t.admin().removeOverride("kill-switch", by("a", "gone", 1))).isEmpty();
      assertThat(t.keys()).doesNotContain("kill-switch");
    }
  }

  @Test
  void overridesSurviveSourceChangesAndStopApplyingWhenTheyNoLongerFit() {
    InMemorySource source = InMemorySource.named("flags.json", TogglesTest.FLAGS);
    try (Toggles t = Toggles.builder().source(source).build()) {
      t.admin().setDefaultVariant("color", "red", by("a", "red", 0));
      source.update(TogglesTest.FLAGS.replace("\"#f00\"", "\"#ff0000\""));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).as("override over the new source")
          .isEqualTo("#ff0000");

      source.update(TogglesTest.FLAGS.replace("\"red\": \"#f00\", ", ""));
      assertThat(t.stringValue("color", EvaluationContext.empty(), "?")).as("the source serves").isEqualTo("#00f");
      assertThat(t.admin().flag("color").orElseThrow().overrideError()).contains("red");
    }
  }

  @Test
  void changeRequestsAreChecked() {
    assertThatThrownBy(() -> ChangeRequest.of(" ", "r", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actor");
    assertThatThrownBy(() -> ChangeRequest.of("a", "r", -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedVersion");
    assertThatThrownBy(() -> new FlagOverride("ON", null, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ENABLED or DISABLED");
  }

  /** A store that counts the writes that reach it, over the in-memory store. */
  private static final class CountingStore implements dev.progressive.toggles.store.FlagStore {
    final InMemoryFlagStore delegate = new InMemoryFlagStore(CLOCK, 100);
    int writes;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public java.util.Collection<dev.progressive.toggles.store.StoredOverride> loadAll() {
      return delegate.loadAll();
    }

    @Override
    public dev.progressive.toggles.store.StoredOverride write(String flagKey, FlagOverride override,
        long expectedVersion, AuditEntry audit) {
      writes++;
      return delegate.write(flagKey, override, expectedVersion, audit);
    }

    @Override
    public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
      return delegate.history(flagKey, from, to, limit);
    }
  }

  @Test
  void aBadReasonOrActorIsTheCallersErrorNamingTheFieldAndNothingReachesTheStore() {
    CountingStore store = new CountingStore();
    try (Toggles t = Toggles.builder().source(InMemorySource.named("flags.json", TogglesTest.FLAGS)).clock(CLOCK)
        .store(store).build()) {
      String longReason = "x".repeat(1_001);
      assertThatThrownBy(() -> t.admin().setState("new-menu", false, by("alice", "", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("\"reason\"")
          .extracting(e -> ((InvalidChangeRequestException) e).field()).isEqualTo("reason");
      assertThatThrownBy(() -> t.admin().setState("new-menu", false, by("alice", "  ", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("reason");
      assertThatThrownBy(() -> t.admin().setState("new-menu", false, by("alice", longReason, 0)))
          .isInstanceOf(InvalidChangeRequestException.class)
          .hasMessageContaining("\"reason\" must be at most 1000 characters long, was 1001");
      assertThatThrownBy(() -> t.admin().setState("new-menu", false, by("alice", "bad\u0000byte", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("U+0000");
      assertThatThrownBy(() -> t.admin().setWeights("rollout", Map.of("on", 1, "off", 1),
          by("alice", "ok\nERROR forged line", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("\"reason\"")
          .hasMessageContaining("U+000A");
      assertThatThrownBy(() -> t.admin().setDefaultVariant("color", "red", by("al\rice", "why", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("\"actor\"");
      assertThatThrownBy(() -> t.admin().setDefaultVariant("color", "red", by("a".repeat(1_001), "why", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("\"actor\"");
      assertThatThrownBy(() -> t.admin().replaceDefinition("new\nflag", """
          {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}""", by("a", "why", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("\"key\"");
      assertThatThrownBy(() -> t.admin().removeOverride("color", by("a", "why\u2028", 0)))
          .isInstanceOf(InvalidChangeRequestException.class).hasMessageContaining("U+2028");

      assertThat(store.writes).as("nothing reached the store").isZero();
      assertThat(t.admin().flag("new-menu").orElseThrow().version()).isZero();
      assertThat(t.health()).allSatisfy(h -> assertThat(h.isUp()).isTrue());

      FlagAdmin lenient = t.admin().withRules(ChangeRequestRules.ofDefaults().withMaxTextLength(2_000));
      assertThat(lenient.setState("new-menu", false, by("alice", longReason, 0)).version()).isEqualTo(1);
      assertThat(store.writes).isEqualTo(1);
      assertThatThrownBy(() -> lenient.setState("new-menu", true, by("alice", "y".repeat(2_001), 1)))
          .hasMessageContaining("at most 2000 characters");
    }
  }

  @Test
  void canaryFlagsChangeOnlyThroughTheCanaryNamingTheCanariesEndpoint() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      assertThatThrownBy(() -> t.admin().replaceDefinition("canary.pricing", "{\"state\": \"DISABLED\"}",
          by("ops", "x", 0))).isInstanceOf(ReservedFlagException.class).hasMessageContaining("/actuator/canaries/pricing");
      FlagView canary = CanaryFlagWrites.replaceDefinition(t, "canary.pricing", """
          {"state": "ENABLED", "variants": {"baseline": "baseline", "canary": "canary"},
           "defaultVariant": "baseline"}""", by("canary-controller", "[canary define] defined", 0));
      long version = canary.version();

      assertThatThrownBy(() -> t.admin().setState("canary.pricing", false, by("ops", "off", version)))
          .isInstanceOf(ReservedFlagException.class).hasMessageContaining("/actuator/canaries/pricing")
          .extracting(e -> ((ReservedFlagException) e).canary()).isEqualTo("pricing");
      assertThatThrownBy(() -> t.admin().setDefaultVariant("canary.pricing", "canary", by("ops", "x", version)))
          .isInstanceOf(ReservedFlagException.class);
      assertThatThrownBy(() -> t.admin().setWeights("canary.pricing", Map.of("baseline", 0, "canary", 1),
          by("ops", "x", version))).isInstanceOf(ReservedFlagException.class);
      assertThatThrownBy(() -> t.admin().removeOverride("canary.pricing", by("ops", "x", version)))
          .isInstanceOf(ReservedFlagException.class);

      FlagView after = t.admin().flag("canary.pricing").orElseThrow();
      assertThat(after.version()).isEqualTo(version);
      assertThat(after.state()).isEqualTo("ENABLED");
      assertThat(t.admin().history("canary.pricing", Instant.EPOCH, Instant.MAX, 10)).hasSize(1);
    }
  }

  @Test
  void partialOrOverflowingWeightsAreRefusedWithTheRealReason() {
    try (Toggles t = toggles(new SimpleMeterRegistry())) {
      assertThatThrownBy(() -> t.admin().setWeights("rollout", Map.of("on", 100), by("alice", "all on", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("missing [off]");
      Map<String, Integer> huge = new java.util.LinkedHashMap<>();
      huge.put("on", Integer.MAX_VALUE);
      huge.put("off", 1);
      assertThatThrownBy(() -> t.admin().setWeights("rollout", huge, by("alice", "huge", 0)))
          .isInstanceOf(FlagDefinitionException.class).hasMessageContaining("add up to 2147483648")
          .hasMessageNotContaining("more than 0");
      assertThat(t.admin().flag("rollout").orElseThrow().version()).as("nothing stored").isZero();

      assertThat(t.admin().setWeights("rollout", Map.of("on", 0, "off", 10), by("alice", "all off", 0)).version())
          .isEqualTo(1);
    }
  }
}
