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
import org.springframework.boot.health.contributor.Status;

/**
 * The health of canary releases: one indicator per canary, named after it. A canary is UP while pending, progressing,
 * paused or promoted, with its state, step and weight in percent as details; a rolled-back canary has the status
 * {@link #ROLLED_BACK}, with the summary of the verdict behind the rollback as the {@code cause} detail.
 *
 * <p>{@code ROLLED_BACK} is not in Spring Boot's default status order, so it does not change the aggregate status:
 * a rollback is the canary doing its job, the instance serves everyone from the baseline, and taking every instance
 * out of its load balancer because of it would turn a safe rollback into an outage. An application that wants it to
 * count lists it, e.g. {@code management.endpoint.health.status.order=down,out-of-service,rolled-back,up,unknown}
 * (with {@code management.endpoint.health.status.http-mapping.rolled-back=503} for a 503).
 */
public class CanariesHealthContributor implements CompositeHealthContributor {

  /** The status of a rolled-back canary. */
  public static final Status ROLLED_BACK = new Status("ROLLED_BACK", "the canary was rolled back");

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
    Health.Builder builder = state == CanaryState.ROLLED_BACK ? Health.status(ROLLED_BACK) : Health.up();
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
