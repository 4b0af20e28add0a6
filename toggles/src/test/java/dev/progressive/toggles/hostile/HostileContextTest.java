package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 1: whatever a context holds, an evaluation answers the caller's default with an error reason and
 * never throws.
 */
class HostileContextTest {

  private static Toggles toggles(String targeting) {
    return Toggles.builder().source(InMemorySource.of(HostileDocs.flag(targeting, "")))
        .meterRegistry(new SimpleMeterRegistry()).requireValidSources(true).build();
  }

  private static void assertDefaultWithError(Toggles t, Object attribute, String messagePart) {
    EvaluationContext context = EvaluationContext.of("user-1", Map.of("v", attribute));
    Evaluation<String> e = t.stringDetails("f", context, "dflt");
    assertThat(e.value()).isEqualTo("dflt");
    assertThat(e.reason()).isEqualTo(Reason.ERROR);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(e.errorMessage()).contains("flag 'f'").contains(messagePart);
    assertThat(e.errorMessage().length()).isLessThan(1_000);
    assertThat(t.stringValue("f", context, "dflt")).isEqualTo("dflt");
    assertThat(t.evaluate("f", context).errorCode()).isEqualTo(ErrorCode.GENERAL);
  }

  static List<Object> deepList(int depth) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(list);
      list = outer;
    }
    return list;
  }

  static List<Object> selfContaining() {
    List<Object> a = new ArrayList<>();
    List<Object> b = new ArrayList<>();
    a.add("x");
    a.add(b);
    b.add(a);
    return a;
  }

  /** An attribute whose every method a rule or a message might call throws. */
  static final class Hostile extends Number {
    private static final long serialVersionUID = 1L;
    private final RuntimeException thrown;

    Hostile(RuntimeException thrown) {
      this.thrown = thrown;
    }

    @Override
    public String toString() {
      throw thrown;
    }

    @Override
    public int hashCode() {
      throw thrown;
    }

    @Override
    public boolean equals(Object o) {
      throw thrown;
    }

    @Override
    public int intValue() {
      throw thrown;
    }

    @Override
    public long longValue() {
      throw thrown;
    }

    @Override
    public float floatValue() {
      throw thrown;
    }

    @Override
    public double doubleValue() {
      throw thrown;
    }
  }

  /** An exception whose message cannot even be read. */
  static final class Unprintable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("no message for you");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("no string for you");
    }
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  @Test
  void aVarThatReturnsAVeryDeepList() {
    try (Toggles t = toggles("{\"var\": \"v\"}")) {
      assertDefaultWithError(t, deepList(100_000), "not a variant name");
    }
    try (Toggles t = toggles("{\"cat\": [{\"var\": \"v\"}]}")) {
      assertDefaultWithError(t, deepList(100_000), "nested deeper than 256 levels");
    }
  }

  @Test
  void aListThatContainsItself() {
    try (Toggles t = toggles("{\"var\": \"v\"}")) {
      assertDefaultWithError(t, selfContaining(), "not a variant name");
    }
    try (Toggles t = toggles("{\"if\": [{\"==\": [{\"var\": \"v\"}, \"x\"]}, \"a\", \"b\"]}")) {
      assertDefaultWithError(t, selfContaining(), "containing itself");
    }
  }

  @Test
  void anAttributeWhoseToStringAndDoubleValueThrow() {
    try (Toggles t = toggles("{\"var\": \"v\"}")) {
      assertDefaultWithError(t, new Hostile(new IllegalStateException("boom")), "boom");
      assertDefaultWithError(t, new Hostile(new Unprintable()), "Unprintable");
    }
    try (Toggles t = toggles("{\"if\": [{\"<\": [{\"var\": \"v\"}, 5]}, \"a\", \"b\"]}")) {
      assertDefaultWithError(t, new Hostile(new IllegalStateException("boom")), "boom");
    }
    try (Toggles t = toggles("{\"cat\": [\"a\", {\"var\": \"v\"}]}")) {
      assertDefaultWithError(t, new Hostile(new Unprintable()), "Unprintable");
    }
  }

  @Test
  void anAttributeThatThrowsAnErrorOrACheckedException() {
    try (Toggles t = toggles("{\"if\": [{\"<\": [{\"var\": \"v\"}, 5]}, \"a\", \"b\"]}")) {
      Number error = new Number() {
        private static final long serialVersionUID = 1L;

        @Override
        public int intValue() {
          return 0;
        }

        @Override
        public long longValue() {
          return 0;
        }

        @Override
        public float floatValue() {
          return 0;
        }

        @Override
        public double doubleValue() {
          throw new AssertionError("an Error from an attribute");
        }
      };
      assertDefaultWithError(t, error, "an Error from an attribute");
      Number checked = new Number() {
        private static final long serialVersionUID = 1L;

        @Override
        public int intValue() {
          return 0;
        }

        @Override
        public long longValue() {
          return 0;
        }

        @Override
        public float floatValue() {
          return 0;
        }

        @Override
        public double doubleValue() {
          throw HostileContextTest.<RuntimeException>sneaky(new java.io.IOException("a checked exception"));
        }
      };
      assertDefaultWithError(t, checked, "a checked exception");
    }
  }

  @Test
  void aReduceThatDoublesAStringIsStoppedAtTheStringLimit() {
    try (Toggles t = toggles("{\"reduce\": [{\"var\": \"v\"}, {\"cat\": [{\"var\": \"accumulator\"}, "
        + "{\"var\": \"accumulator\"}]}, \"xx\"]}")) {
      List<Integer> items = java.util.stream.IntStream.range(0, 40).boxed().toList();
      assertDefaultWithError(t, items, "longer than 1000000 characters");
    }
  }

  @Test
  void nestedIterationsAreStoppedByTheWorkLimit() {
    // 300 × 300 × 300 element visits, each with a rule to apply: more than the work limit
    List<Integer> items = java.util.stream.IntStream.range(0, 300).boxed().toList();
    String rule = "{\"map\": [{\"var\": \"v\"}, {\"map\": [{\"var\": \"\"}, {\"map\": [{\"var\": \"\"}, "
        + "{\"var\": \"\"}]}]}]}";
    List<List<List<Integer>>> cube = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      List<List<Integer>> square = new ArrayList<>();
      for (int j = 0; j < 300; j++) {
        square.add(items.subList(0, 300));
      }
      cube.add(square);
    }
    try (Toggles t = toggles(rule)) {
      assertDefaultWithError(t, cube, "units of work");
    }
  }

  @Test
  void scanningALongListInsideAnIterationCountsAsWork() {
    List<Integer> items = java.util.stream.IntStream.range(0, 20_000).boxed().toList();
    // each of 20,000 elements carries the 20,000-element list: 20,000 × 20,000 comparisons if nothing stopped it
    try (Toggles t = toggles("{\"if\": [{\"some\": [{\"var\": \"v\"}, {\"in\": [-1, {\"var\": \"v\"}]}]}, "
        + "\"a\", \"b\"]}")) {
      List<Map<String, Object>> elements = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        elements.add(Map.of("v", items));
      }
      assertDefaultWithError(t, elements, "units of work");
    }
  }

  @Test
  void aNullKeyAnswersTheDefaultWithAnErrorForEveryGetter() {
    try (Toggles t = toggles("{\"var\": \"v\"}")) {
      EvaluationContext ctx = EvaluationContext.of("u");
      assertThat(t.isEnabled(null)).isFalse();
      assertThat(t.isEnabled(null, ctx)).isFalse();
      assertThat(t.booleanValue(null, ctx, true)).isTrue();
      assertThat(t.stringValue(null, ctx, "d")).isEqualTo("d");
      assertThat(t.integerValue(null, ctx, 7)).isEqualTo(7);
      assertThat(t.doubleValue(null, ctx, 0.5)).isEqualTo(0.5);
      assertThat(t.objectValue(null, ctx, "o")).isEqualTo("o");
      List<Evaluation<?>> details = List.of(t.booleanDetails(null, ctx, true), t.stringDetails(null, ctx, "d"),
          t.integerDetails(null, ctx, 7), t.doubleDetails(null, ctx, 0.5), t.objectDetails(null, ctx, "o"),
          t.evaluate(null, ctx));
      for (Evaluation<?> e : details) {
        assertThat(e.flagKey()).isNull();
        assertThat(e.reason()).isEqualTo(Reason.ERROR);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
        assertThat(e.errorMessage()).contains("null");
        assertThat(e.variant()).isNull();
      }
      assertThat(details.get(0).value()).isEqualTo(true);
      assertThat(details.get(2).value()).isEqualTo(7);
      assertThat(details.get(3).value()).isEqualTo(0.5);
      assertThat(details.get(5).value()).isNull();
    }
  }
}
