package dev.progressive.toggles.internal.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.testing.MutableClock;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.engine.Engine;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.internal.engine.SourceCompiler;
import dev.progressive.toggles.internal.engine.SourceState;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Assembling the snapshot from the sources' flags and the store's overrides: the later source wins a key, an
 * override applies over its source's definition and is compiled again only when one of them changes, and an
 * override that does not fit leaves the source's definition in force.
 */
class SnapshotAssemblerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final Engine engine = new Engine(clock, null);
  private final FlagCompiler compiler = new FlagCompiler(FractionalHashing.v2(), null, false, false);
  private final SourceCompiler sourceCompiler = new SourceCompiler(compiler, false);
  private final SourceState first = new SourceState(InMemorySource.named("first", "{}"), T0);
  private final SourceState second = new SourceState(InMemorySource.named("second", "{}"), T0);
  private final List<FlagsChanged> changes = new ArrayList<>();
  private final SnapshotAssembler assembler = new SnapshotAssembler(engine, compiler, null, List.of(first, second),
      changes::add);

  @Test
  void theSourceAddedLastWinsAKeyThatBothDefine() {
    read(first, flag("color", "red") + "," + flag("size", "small"));
    read(second, flag("color", "blue"));
    assembler.assemble("source");

    assertThat(value("color")).isEqualTo("blue");
    assertThat(value("size")).isEqualTo("small");
    assertThat(assembler.flag("color").source()).isEqualTo("second");
    assertThat(changes).singleElement().extracting(FlagsChanged::keys).isEqualTo(java.util.Set.of("color", "size"));
  }

  @Test
  void anOverrideIsCompiledOnceAndAgainOnlyWhenItsSourceFlagChanges() {
    read(first, flag("color", "red"));
    assembler.overrides(Map.of("color", override("color", 1, FlagOverride.NONE.withState("DISABLED"))));
    assembler.assemble("store");
    AssembledFlag withOverride = assembler.flag("color");
    assertThat(withOverride.inForce().definition().enabled()).isFalse();
    assertThat(withOverride.fromSource().definition().enabled()).isTrue();

    read(second, flag("size", "small")); // another flag changes: the override is not compiled again
    assembler.assemble("source");
    assertThat(assembler.flag("color")).isSameAs(withOverride);

    read(first, flag("color", "green")); // its source's flag changes: compiled again, over the new definition
    assembler.assemble("source");
    AssembledFlag again = assembler.flag("color");
    assertThat(again).isNotSameAs(withOverride);
    assertThat(again.inForce().definition().enabled()).isFalse();
    assertThat(again.inForce().definition().variants()).containsEntry("v", "green");
  }

  @Test
  void anOverrideThatDoesNotFitLeavesTheSourcesDefinitionInForceAndSaysWhy() {
    read(first, flag("color", "red"));
    assembler.overrides(Map.of("color", override("color", 1, FlagOverride.NONE.withDefaultVariant("nope"))));
    assembler.assemble("store");

    assertThat(value("color")).isEqualTo("red");
    AssembledFlag flag = assembler.flag("color");
    assertThat(flag.inForce()).isSameAs(flag.fromSource());
    assertThat(flag.overrideError()).contains("nope");
    assertThat(flag.view("color").overrideError()).isEqualTo(flag.overrideError());
  }

  @Test
  void aWholeDefinitionInTheStoreDefinesAFlagThatNoSourceHas() {
    String definition = "{\"state\": \"ENABLED\", \"defaultVariant\": \"v\", \"variants\": {\"v\": \"stored\"}}";
    assembler.overrides(Map.of("extra", override("extra", 1, FlagOverride.NONE.withDefinition(definition))));
    assembler.assemble("store");

    assertThat(value("extra")).isEqualTo("stored");
    assertThat(assembler.flag("extra").fromSource()).isNull();
    assertThat(assembler.flag("extra").view("extra").source()).isNull();
  }

  @Test
  void anAssemblyThatChangesNothingSwapsNothingAndAnnouncesNothing() {
    read(first, flag("color", "red"));
    assembler.assemble("source");
    long generation = engine.snapshot().generation();
    assembler.assemble("source");
    assertThat(engine.snapshot().generation()).isEqualTo(generation);
    assertThat(changes).hasSize(1);
  }

  private void read(SourceState source, String flags) {
    source.applied(sourceCompiler.compile(List.of(new FlagDocument(source.source().name(),
        "{\"flags\": {" + flags + "}}")), source.flags()), clock.instant());
  }

  private Object value(String key) {
    return engine.evaluate(key, VariantType.STRING, EvaluationContext.empty()).value();
  }

  private static String flag(String key, String value) {
    return "\"" + key + "\": {\"state\": \"ENABLED\", \"defaultVariant\": \"v\", \"variants\": {\"v\": \"" + value
        + "\"}}";
  }

  private static StoredOverride override(String key, long version, FlagOverride override) {
    return new StoredOverride(key, override, version, version, T0, "alice", "test");
  }
}
