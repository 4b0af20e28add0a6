package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.InvalidFlags;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, part 1: hostile flag documents are refused with a clear error, within bounds, and the last good flags
 * stay in force. The timeout only turns a hang (the behaviour before the fix) into a failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileDocumentTest {

  private static Toggles strict(String document) {
    return Toggles.builder().source(InMemorySource.of(document)).invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build();
  }

  /** Applies a hostile document over a good one, and checks that it is refused whole and the good flags serve. */
  private static String refusedOverGoodFlags(String hostile) {
    InMemorySource source = InMemorySource.of(HostileDocs.good(true));
    try (Toggles t = Toggles.builder().source(source).invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build()) {
      long generation = t.generation();
      source.update(hostile);
      assertThat(t.isHealthy()).isFalse();
      assertThat(t.generation()).isEqualTo(generation);
      assertThat(t.isEnabled("ok")).isTrue();
      assertThat(t.keys()).containsExactly("ok");
      return t.health().get(0).error();
    }
  }

  @Test
  void aLongRefChainIsRefusedNotAStackOverflow() {
    assertThatThrownBy(() -> strict(HostileDocs.refChain(1_250)))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.flagKey()).isEqualTo("f");
          assertThat(e.detail()).contains("nested deeper than 256 levels").contains("e0 -> e1");
          assertThat(e.jsonPath()).startsWith("$.$evaluators.");
        });
    assertThat(refusedOverGoodFlags(HostileDocs.refChain(1_250))).contains("nested deeper than 256 levels");
  }

  @Test
  void aShortRefChainStillCompiles() {
    try (Toggles t = strict(HostileDocs.refChain(100))) {
      assertThat(t.stringValue("f", EvaluationContext.empty(), "x")).isEqualTo("A");
    }
  }

  @Test
  void refsThatDoubleAtEachLevelAreRefusedByTheirExpandedSize() {
    assertThatThrownBy(() -> strict(HostileDocs.doublingRefs(22)))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.flagKey()).isEqualTo("f");
          assertThat(e.detail()).contains("more than 1000000 nodes once its $refs are expanded");
        });
    assertThat(refusedOverGoodFlags(HostileDocs.doublingRefs(22))).contains("more than 1000000 nodes");
  }

  @Test
  void refsThatDoubleAFewTimesCompileAndEvaluate() {
    try (Toggles t = strict(HostileDocs.doublingRefs(10))) {
      assertThat(t.stringValue("f", EvaluationContext.of(null, Map.of("x", 1)), "x")).isEqualTo("A");
      assertThat(t.stringValue("f", EvaluationContext.of(null, Map.of("x", 2)), "x")).isEqualTo("B");
    }
  }

  @Test
  void foldingAConstantThatExplodesIsRefused() {
    assertThatThrownBy(() -> strict(HostileDocs.foldBomb()))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.flagKey()).isEqualTo("f");
          assertThat(e.detail()).contains("computing this constant");
          assertThat(e.jsonPath()).startsWith("$.flags.f.targeting.if[0]");
        });
    assertThat(refusedOverGoodFlags(HostileDocs.foldBomb())).contains("computing this constant");
  }

  @Test
  void aHugeYamlScalarIsRefusedBeforeItIsScanned() {
    StringBuilder yaml = new StringBuilder("flags:\n  f:\n    state: ENABLED\n    variants:\n      a: ");
    yaml.append("x".repeat(19 * 1024 * 1024)).append("\n    defaultVariant: a\n");
    assertThatThrownBy(() -> Toggles.builder().source(InMemorySource.named("big.yaml", yaml.toString()))
        .invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build())
        .isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("more than the limit of 3145728");
  }

  @Test
  void aSourceThatThrowsAnErrorLeavesTheBuilderStandingAndItsHealthDown() {
    FlagSource broken = new FlagSource() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<FlagDocument> load() {
        throw new AssertionError("a source's bug");
      }
    };
    try (Toggles t = Toggles.builder().source(broken).source(InMemorySource.of(HostileDocs.good(true))).build()) {
      assertThat(t.isEnabled("ok")).isTrue();
      assertThat(t.health().get(0).isUp()).isFalse();
      assertThat(t.health().get(0).error()).contains("a source's bug");
    }
    FlagSource unprintable = new FlagSource() {
      @Override
      public String name() {
        return "unprintable";
      }

      @Override
      public List<FlagDocument> load() {
        throw new HostileContextTest.Unprintable();
      }
    };
    try (Toggles t = Toggles.builder().source(unprintable).build()) {
      assertThat(t.health().get(0).isUp()).isFalse();
      assertThat(t.health().get(0).error()).contains("Unprintable");
    }
  }

  @Test
  void anEvaluationOfARefusedLimitAnswersTheDefaultWithAnErrorReason() {
    // the doubling reduce compiles (its list is in the context) and is stopped at evaluation
    try (Toggles t = strict(HostileDocs.doublingString())) {
      List<Integer> items = java.util.stream.IntStream.range(0, 40).boxed().toList();
      Evaluation<String> e = t.stringDetails("f", EvaluationContext.of(null, Map.of("items", items)), "dflt");
      assertThat(e.value()).isEqualTo("dflt");
      assertThat(e.reason()).isEqualTo(Reason.ERROR);
      assertThat(e.errorCode()).isEqualTo(ErrorCode.GENERAL);
      assertThat(e.errorMessage()).contains("'f'").contains("longer than 1000000 characters");
    }
  }

  @Test
  void tenThousandEvaluatorsWithTenThousandTargetedFlagsLoad() {
    StringBuilder doc = new StringBuilder("{\"$evaluators\": {");
    for (int i = 0; i < 10_000; i++) {
      doc.append(i == 0 ? "" : ",").append("\"e").append(i).append("\": {\"in\": [{\"var\": \"tenant\"}, [\"t")
          .append(i).append("\"]]}");
    }
    doc.append("}, \"flags\": {");
    for (int i = 0; i < 10_000; i++) {
      doc.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": {\"state\": \"ENABLED\", ")
          .append("\"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"off\", ")
          .append("\"targeting\": {\"if\": [{\"$ref\": \"e").append(i).append("\"}, \"on\", \"off\"]}}");
    }
    doc.append("}}");
    try (Toggles t = strict(doc.toString())) {
      assertThat(t.keys()).hasSize(10_000);
      assertThat(t.isEnabled("f9999", EvaluationContext.of(null, Map.of("tenant", "t9999")))).isTrue();
      assertThat(t.isEnabled("f9999", EvaluationContext.of(null, Map.of("tenant", "t1")))).isFalse();
    }
  }

  /** Flags whose targeting folds a constant costing about a million units of work each. */
  private static String heavyFolds(int flags) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < 1_000; i++) {
      list.append(i == 0 ? "" : ",").append(i);
    }
    list.append(']');
    String fold = "{\"all\": [{\"map\": [" + list + ", {\"map\": [" + list + ", \"x\"]}]}, true]}";
    StringBuilder doc = new StringBuilder("{\"flags\": {");
    for (int i = 0; i < flags; i++) {
      doc.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": {\"state\": \"ENABLED\", ")
          .append("\"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"off\", ")
          .append("\"targeting\": {\"if\": [").append(fold).append(", \"on\", \"off\"]}}");
    }
    return doc.append("}}").toString();
  }

  @Test
  void foldingConstantsIsBoundedPerDocumentNotOnlyPerFlag() {
    try (Toggles t = strict(heavyFolds(3))) {
      assertThat(t.isEnabled("f2")).isTrue();
    }
    assertThatThrownBy(() -> strict(heavyFolds(80)))
        .isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("folding the constants of the rule (or of its document)");
    assertThat(refusedOverGoodFlags(heavyFolds(80))).contains("folding the constants");
    // each document has a budget of its own: after a refused heavy document, the next one compiles
    InMemorySource source = InMemorySource.of(heavyFolds(3));
    try (Toggles t = Toggles.builder().source(source).invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build()) {
      source.update(heavyFolds(80));
      assertThat(t.isHealthy()).isFalse();
      for (int i = 0; i < 3; i++) {
        source.update(heavyFolds(4));
        assertThat(t.isHealthy()).isTrue();
      }
      assertThat(t.isEnabled("f3")).isTrue();
    }
  }
}
