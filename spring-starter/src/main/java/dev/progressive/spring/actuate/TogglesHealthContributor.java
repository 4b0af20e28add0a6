package dev.progressive.spring.actuate;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.SourceHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of feature toggles: one indicator per flag source and one for the store. A source that is not UP is
 * DOWN, with its error as the {@code error} detail; the last good flags are still served meanwhile, so an application
 * that prefers to stay in its load balancer's pool may leave this contributor out of its readiness group.
 *
 * <p>A store that cannot be reached is {@link #STALE}, with its error: evaluation goes on with the last known
 * overrides, only changes wait. {@code STALE} is not in Spring Boot's default status order, so it leaves the aggregate
 * status (and the HTTP status of {@code /actuator/health}) alone: a database outage reaches every instance at once,
 * and must not take the whole fleet out of its load balancer. List it in
 * {@code management.endpoint.health.status.order} to make it count.
 */
public class TogglesHealthContributor implements CompositeHealthContributor {

  /** The store cannot be reached: the last known overrides serve, changes wait. */
  public static final Status STALE = new Status("STALE",
      "the flag store cannot be reached; the last known overrides serve and changes wait");

  private static final String STORE = "store";

  private final Toggles toggles;

  /**
   * Creates the contributor.
   *
   * @param toggles the toggles whose sources and store it reports
   */
  public TogglesHealthContributor(Toggles toggles) {
    this.toggles = Objects.requireNonNull(toggles, "toggles");
  }

  @Override
  public HealthContributor getContributor(String name) {
    return names().containsKey(name) ? indicator(name) : null;
  }

  @Override
  public Stream<Entry> stream() {
    return names().keySet().stream().map(name -> new Entry(name, indicator(name)));
  }

  /**
   * The health of each source and of the store by contributor name. Source names such as
   * {@code file:/etc/flags/ops.yaml} hold characters that a health path cannot, so each source is named after its
   * name with every run of other characters than letters, digits, dots and underscores turned into one dash
   * ({@code file-etc-flags-ops.yaml}), made unique by an index when needed; the store is named {@code store}. The
   * real name is the {@code name} detail.
   */
  private Map<String, SourceHealth> names() {
    List<SourceHealth> all = toggles.health();
    Map<String, SourceHealth> byName = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      SourceHealth health = all.get(i);
      String name = i == all.size() - 1 ? STORE : safe(health.source());
      if (byName.containsKey(name) || (i < all.size() - 1 && name.equals(STORE))) {
        name = name + "-" + i;
      }
      byName.put(name, health);
    }
    return byName;
  }

  /**
   * The contributor name of a source: its name with every run of characters other than letters, digits, dots and
   * underscores turned into one dash, such as {@code file-etc-flags-ops.yaml} for {@code file:/etc/flags/ops.yaml}.
   *
   * @param name the source's name
   * @return a name that a health path can hold
   */
  public static String safe(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
    return safe.isEmpty() ? "source" : safe;
  }

  private HealthIndicator indicator(String name) {
    return () -> {
      SourceHealth health = names().get(name);
      if (health == null) {
        return Health.unknown().withDetail("error", "no source or store named " + name).build();
      }
      return name.equals(STORE) ? storeHealth(health) : health(health);
    };
  }

  static Health health(SourceHealth health) {
    return details(health.isUp() ? Health.up() : Health.down(), health);
  }

  /** The store: UP, or {@link #STALE} while it cannot be reached. */
  static Health storeHealth(SourceHealth health) {
    return details(health.isUp() ? Health.up() : Health.status(STALE), health);
  }

  private static Health details(Health.Builder builder, SourceHealth health) {
    builder.withDetail("name", health.source());
    if (health.error() != null) {
      builder.withDetail("error", health.error());
    }
    if (health.lastSuccess() != null) {
      builder.withDetail("lastSuccess", health.lastSuccess().toString());
    }
    if (health.lastFailure() != null) {
      builder.withDetail("lastFailure", health.lastFailure().toString());
    }
    return builder.build();
  }
}
