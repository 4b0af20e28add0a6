package dev.progressive.spring.actuate;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.spring.canary.CanaryRegistry;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of canary releases: one indicator per canary, named after it. A canary is UP while pending, progressing,
 * paused or promoted, with its state, step and weight in percent as details; a rolled-back canary is
 * OUT_OF_SERVICE, with the summary of the verdict behind the rollback as the {@code cause} detail.
 */
public class CanariesHealthContributor implements CompositeHealthContributor {

  private final CanaryRegistry registry;

  /**
   * Creates the contributor.
   *
   * @param registry the canaries it reports
   */
  public CanariesHealthContributor(CanaryRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public HealthContributor getContributor(String name) {
    return registry.find(name).map(CanariesHealthContributor::indicator).orElse(null);
  }

  @Override
  public Stream<Entry> stream() {
    return registry.all().entrySet().stream().map(e -> new Entry(e.getKey(), indicator(e.getValue())));
  }

  private static HealthIndicator indicator(Canary canary) {
    return () -> health(canary);
  }

  static Health health(Canary canary) {
    CanaryState state = canary.state();
    Health.Builder builder = state == CanaryState.ROLLED_BACK ? Health.outOfService() : Health.up();
    builder.withDetail("state", state.name())
        .withDetail("step", canary.step())
        .withDetail("weight", canary.weight() / 100.0);
    if (state == CanaryState.ROLLED_BACK) {
      String cause = canary.lastVerdictSummary();
      builder.withDetail("cause", cause == null || cause.isEmpty() ? "rolled back by hand" : cause);
    }
    return builder.build();
  }
}
