package dev.progressive.parallelrun.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRequest;
import dev.progressive.parallelrun.http.ShadowResponse;
import dev.progressive.parallelrun.http.ShadowRoute;
import dev.progressive.testing.JavadocExamples;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code examples of the parallel-run entry types' javadoc, compiled here and run where that is cheap. Each region
 * must equal the javadoc example of the same name ({@link JavadocExamples}), so neither can drift.
 */
class EntryTypeExamplesTest {

  private static final Path MAIN = Path.of("src/main/java/dev/progressive/parallelrun");
  private static final Path HERE = Path.of("src/test/java/dev/progressive/parallelrun/snippets/"
      + "EntryTypeExamplesTest.java");

  @Test
  void everyJavadocExampleIsARegionOfThisFile() throws Exception {
    assertThat(JavadocExamples.check(MAIN.resolve("ParallelRunner.java"), HERE)).isEqualTo(1);
    assertThat(JavadocExamples.check(MAIN.resolve("Experiment.java"), HERE)).isEqualTo(1);
    assertThat(JavadocExamples.check(MAIN.resolve("http/HttpShadow.java"), HERE)).isEqualTo(1);
    assertThat(JavadocExamples.check(MAIN.resolve("diff/StructuralDiff.java"), HERE)).isEqualTo(1);
  }

  @Test
  void anExampleThatDriftedFromItsRegionFailsWithTheLineThatDiffers(@TempDir Path dir) throws Exception {
    Path documented = Files.writeString(dir.resolve("Thing.java"), String.join("\n",
        "/**", " * Use it:", " *", " * <pre>{@code", " * Thing thing = Thing.of(1);", " * thing.run(); // ...",
        " * }</pre>", " */", "final class Thing {}"));
    Path same = Files.writeString(dir.resolve("Same.java"), String.join("\n", "class Same {", "  void a() {",
        "    // @start region=\"Thing\"", "    Thing thing = Thing.of(1);", "    thing.run(); // runs once",
        "    // @end", "  }", "}"));
    Path drifted = Files.writeString(dir.resolve("Drifted.java"), Files.readString(same).replace("of(1)", "of(2)"));
    Path missing = Files.writeString(dir.resolve("Missing.java"), "class Missing {}");

    assertThat(JavadocExamples.check(documented, same)).isEqualTo(1);
    assertThatThrownBy(() -> JavadocExamples.check(documented, drifted)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("differs from its region at line 1")
        .hasMessageContaining("javadoc: Thing thing = Thing.of(1);")
        .hasMessageContaining("region:  Thing thing = Thing.of(2);");
    assertThatThrownBy(() -> JavadocExamples.check(documented, missing)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("has no region \"Thing\"");
  }

  record Price(BigDecimal amount) {
  }

  /** The old and new implementations of the Experiment example. */
  static final class Pricing {
    private final String amount;

    Pricing(String amount) {
      this.amount = amount;
    }

    Price price(Long orderId) {
      return new Price(new BigDecimal(amount));
    }
  }

  @Test
  void parallelRunnerAndExperimentRun() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    List<ParallelRunner> runs = new ArrayList<>();
    Pricing legacy = new Pricing("10.00");
    Pricing rewrite = new Pricing("10.0");
    long orderId = 7;
    // @start region="ParallelRunner"
    try (ParallelRunner runner = ParallelRunner.builder().meterRegistry(registry).threads(4)
        .timeout(Duration.ofMillis(200)).build()) {
      runs.add(runner);
    }
    // @end
    assertThat(runs).singleElement().satisfies(closed -> assertThat(closed.isClosed()).isTrue());

    try (ParallelRunner runner = ParallelRunner.builder().meterRegistry(registry).build()) {
      // @start region="Experiment"
      Experiment<Long, Price, Price> pricing = Experiment.<Long, Price, Price>builder("pricing", runner)
          .control(legacy::price)
          .candidate("rewrite", rewrite::price)
          .build();
      Price price = pricing.run(orderId);   // always legacy's answer, or legacy's exception
      // @end
      assertThat(price.amount()).isEqualByComparingTo("10");
      assertThat(price.amount().scale()).isEqualTo(2);
    }
  }

  /** Compiled, not run: it would send the request to a host that does not exist here. */
  void httpShadow(MeterRegistry registry, Map<String, List<String>> headers, byte[] body,
      Map<String, List<String>> respHeaders, byte[] respBody) {
    // @start region="HttpShadow"
    HttpShadow shadow = HttpShadow.builder()
        .candidate(URI.create("http://orders-v2:8080"))
        .secondary(URI.create("http://orders-v1-copy:8080"))
        .route(ShadowRoute.builder("get-order", "/orders/*").compareHeaders("content-type")
            .diffOptions(DiffOptions.builder().ignorePaths("meta.requestId").build()).build())
        .meterRegistry(registry)
        .build();
    // after the primary served a request:
    shadow.shadow(new ShadowRequest("GET", "/orders/7", headers, body), new ShadowResponse(200, respHeaders, respBody));
    // @end
  }

  @Test
  void structuralDiffRuns() {
    Map<String, Object> oldOrder = Map.of("total", new BigDecimal("10.00"), "meta", Map.of("requestId", "a"));
    Map<String, Object> newOrder = Map.of("total", new BigDecimal("10.0"), "meta", Map.of("requestId", "b"));
    // @start region="StructuralDiff"
    StructuralDiff diff = StructuralDiff.of(DiffOptions.builder().ignorePaths("meta.requestId").build());
    List<Difference> differences = diff.diff(oldOrder, newOrder);
    // @end
    assertThat(differences).extracting(Difference::toString).containsExactly("total: 10.00 ≠ 10.0");
  }
}
