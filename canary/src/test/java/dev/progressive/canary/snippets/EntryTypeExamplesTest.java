package dev.progressive.canary.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.canary.Metric;
import dev.progressive.testing.JavadocExamples;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The code examples of the canary entry types' javadoc, compiled here and run where that is cheap. Each region must
 * equal the javadoc example of the same name ({@link JavadocExamples}), so neither can drift.
 */
class EntryTypeExamplesTest {

  private static final Path HERE = Path.of("src/test/java/dev/progressive/canary/snippets/EntryTypeExamplesTest.java");

  /**
   * Every example of the module's javadoc has its region here, but {@code Metric}'s: it lists four expressions, one a
   * line, which are not statements, so no compiled region can equal it line by line.
   */
  @Test
  void everyJavadocExampleIsARegionOfThisFile() throws Exception {
    assertThat(JavadocExamples.checkAll(Path.of("src/main/java"), HERE, Set.of("Metric")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("Canary", 1, "CanaryRelease", 1, "JdbcFleetStore", 1));
  }

  @Test
  void theReleaseExampleBuildsItsSteps() {
    // @start region="CanaryRelease"
    CanaryRelease release = CanaryRelease.builder("pricing")
        .step(5, Duration.ofMinutes(10), 2_000)
        .step(25, Duration.ofMinutes(10), 5_000)
        .step(50, Duration.ofMinutes(10), 10_000)
        .metric(Metric.errorRate().allowedChange(0.10))      // fails above +10%, passes when shown within +50%
        .metric(Metric.latencyQuantile(0.99).allowedChange(0.10))
        .maxInconclusive(Duration.ofMinutes(30))
        .build();
    // @end
    assertThat(release.name()).isEqualTo("pricing");
  }

  record Price(BigDecimal amount) {
  }

  interface Pricing {
    Price price(List<String> cart);
  }

  /** Compiled, not run: a started canary needs a flag store, which the canary tests set up. */
  Price canary(CanaryRelease release, Toggles toggles, ScheduledExecutorService executor, MeterRegistry registry,
      String customerId, Pricing oldPricing, Pricing newPricing, List<String> cart) {
    // @start region="Canary"
    Canary canary = Canary.builder(release, toggles)
        .scheduler(CanaryScheduler.of(executor))
        .meterRegistry(registry)
        .build();
    canary.start("alice", "v2 of pricing is deployed");
    Price price = canary.call(customerId, () -> oldPricing.price(cart), () -> newPricing.price(cart));
    // @end
    return price;
  }

  /** Compiled, not run: it needs a database; {@code CanaryFleetIT} runs a fleet on PostgreSQL. */
  Canary fleet(DataSource dataSource, CanaryRelease release, Toggles toggles, String podName) {
    // @start region="JdbcFleetStore"
    FleetStore fleet = JdbcFleetStore.builder(dataSource).build();
    Canary canary = Canary.builder(release, toggles).fleet(fleet).instanceId(podName).build();
    // @end
    return canary;
  }
}
