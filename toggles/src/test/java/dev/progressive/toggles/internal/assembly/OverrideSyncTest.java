package dev.progressive.toggles.internal.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeping the overrides in force in step with the store: news arrive out of order and twice, a full resync replaces
 * everything, and an outage keeps the last known overrides while the store is STALE, reported once.
 */
class OverrideSyncTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final Engine engine = new Engine(clock, null);
  private final List<FlagsChanged> changes = new ArrayList<>();
  private final List<SourceHealth> healthChanges = new ArrayList<>();
  private final SnapshotAssembler assembler = new SnapshotAssembler(engine,
      new FlagCompiler(FractionalHashing.v2(), null, false, false), null, List.of(), changes::add);
  private final OverrideSync sync = new OverrideSync(new InMemoryFlagStore(clock, 100), clock, new Object(),
      assembler, healthChanges::add);

  @Test
  void aNewerOverrideReplacesTheOneInForceAndAnOlderOneIsIgnored() {
    sync.changed(List.of(override("color", 2, "red")), false);
    sync.changed(List.of(override("color", 1, "blue")), false); // late news of an older write
    assertThat(value("color")).isEqualTo("red");
    assertThat(assembler.overrides().get("color").version()).isEqualTo(2);

    sync.changed(List.of(override("color", 3, "green")), false);
    assertThat(value("color")).isEqualTo("green");
  }

  @Test
  void newsOfOneFlagLeavesTheOthersInForce() {
    sync.changed(List.of(override("color", 1, "red"), override("size", 1, "large")), false);
    sync.changed(List.of(override("color", 2, "blue")), false);
    assertThat(value("color")).isEqualTo("blue");
    assertThat(value("size")).isEqualTo("large");
  }

  @Test
  void aFullResyncReplacesEveryOverrideAndKeepsTheHighestVersionOfEach() {
    sync.changed(List.of(override("color", 5, "red"), override("size", 1, "large")), false);
    sync.changed(List.of(override("color", 2, "blue"), override("color", 3, "green")), true);
    // A resync is the store's whole truth: an older version than the one in force wins, the absent flag goes.
    assertThat(value("color")).isEqualTo("green");
    assertThat(assembler.overrides()).containsOnlyKeys("color");
    assertThat(engine.snapshot().get("size")).isNull();
  }

  @Test
  void anOutageKeepsTheOverridesInForceAndIsReportedOnceUntilTheStoreAnswers() {
    sync.changed(List.of(override("color", 1, "red")), false);
    assertThat(sync.health().isUp()).isTrue();

    clock.advance(Duration.ofSeconds(10));
    sync.unavailable(new IllegalStateException("connection refused"));
    Instant down = clock.instant();
    clock.advance(Duration.ofSeconds(10));
    sync.unavailable(new IllegalStateException("connection refused"));

    assertThat(value("color")).isEqualTo("red");
    assertThat(sync.health().status()).isEqualTo(SourceHealth.Status.STALE);
    assertThat(sync.health().error()).isEqualTo("store:in-memory is unavailable: connection refused");
    assertThat(sync.health().staleSince()).as("stale since the first failure, not the last").isEqualTo(down);
    assertThat(sync.health().lastFailure()).isEqualTo(clock.instant());
    assertThat(healthChanges).hasSize(1);

    clock.advance(Duration.ofSeconds(10));
    sync.changed(List.of(override("color", 2, "blue")), false);
    assertThat(sync.health().isUp()).isTrue();
    assertThat(sync.health().lastSuccess()).isEqualTo(clock.instant());
    assertThat(healthChanges).hasSize(2);
    assertThat(healthChanges.get(1).isUp()).isTrue();
    assertThat(value("color")).isEqualTo("blue");
  }

  @Test
  void loadingFromAStoreThatFailsStartsStaleWithNoOverrides() {
    FlagStore failing = new FlagStore() {
      @Override
      public String name() {
        return "failing";
      }

      @Override
      public Collection<StoredOverride> loadAll() {
        throw new IllegalStateException("no database");
      }

      @Override
      public StoredOverride write(String flagKey, FlagOverride override, long expectedVersion, AuditEntry audit) {
        throw new IllegalStateException("no database");
      }

      @Override
      public List<AuditEntry> history(String flagKey, Instant from, Instant to, int limit) {
        throw new IllegalStateException("no database");
      }
    };
    OverrideSync fromFailing = new OverrideSync(failing, clock, new Object(), assembler, healthChanges::add);
    fromFailing.load();
    assertThat(fromFailing.health().status()).isEqualTo(SourceHealth.Status.STALE);
    assertThat(fromFailing.health().staleSince()).isEqualTo(T0);
    assertThat(fromFailing.health().error()).isEqualTo("store:failing is unavailable: no database");
    assertThat(assembler.overrides()).isEmpty();
  }

  @Test
  void aChangeIsAnnouncedOnceWithItsKey() {
    sync.changed(List.of(override("color", 1, "red")), false);
    sync.changed(List.of(override("color", 1, "red")), false); // the same news twice changes nothing
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).keys()).containsExactly("color");
  }

  private Object value(String key) {
    return engine.evaluate(key, VariantType.STRING, EvaluationContext.empty()).value();
  }

  private static StoredOverride override(String key, long version, String variant) {
    String definition = "{\"state\": \"ENABLED\", \"defaultVariant\": \"v\", \"variants\": {\"v\": \"" + variant
        + "\"}}";
    return new StoredOverride(key, FlagOverride.NONE.withDefinition(definition), version, version, T0, "alice",
        "test");
  }
}
