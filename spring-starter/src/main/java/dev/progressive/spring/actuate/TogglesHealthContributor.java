package dev.progressive.spring.actuate;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.SourceHealth;
import java.util.ArrayList;
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
 * The health of feature toggles: one indicator per flag source and one for the store, each UP, {@link #STALE} or
 * DOWN as {@link SourceHealth.Status} says, with the error, each refused flag (file, JSON path, what is wrong) and the
 * times as details. The store is UP or STALE: while its database cannot be reached, the last known overrides serve
 * and only changes wait.
 *
 * <p>{@code STALE} means that flags still serve, but not all as their source now gives them: a flag or a change was
 * refused (a typo in a flag file) or the source cannot be read. It is not in Spring Boot's default status order, so it
 * does not change the aggregate status and does not fail readiness: a typo in a file that every instance reads would
 * otherwise take the whole fleet out of its load balancers while the last good flags serve. Alert on it with the
 * {@code progressive.toggle.staleness} gauge instead. {@code DOWN} means the source serves no flags at all (never
 * read, or nothing in it valid), which may rightly fail readiness. An application that wants STALE to count lists it,
 * e.g. {@code management.endpoint.health.status.order=down,out-of-service,stale,up,unknown}.
 */
public class TogglesHealthContributor implements CompositeHealthContributor {

  /** The status of a source whose flags serve but are not all current. */
  public static final Status STALE = new Status("STALE", "serving the last good flags");

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
    return details(switch (health.status()) {
      case UP -> Health.up();
      case STALE -> Health.status(STALE);
      case DOWN -> Health.down();
    }, health);
  }

  /**
   * The store: UP, or {@link #STALE} while it cannot be reached. A store never serves "no flags": while its database
   * is out, the last known overrides serve and only changes wait, so it is never DOWN.
   */
  static Health storeHealth(SourceHealth health) {
    return details(health.isUp() ? Health.up() : Health.status(STALE), health);
  }

  private static Health details(Health.Builder builder, SourceHealth health) {
    builder.withDetail("name", health.source());
    if (health.error() != null) {
      builder.withDetail("error", health.error());
    }
    if (health.notice() != null) {
      builder.withDetail("notice", health.notice());
    }
    if (health.lastSuccess() != null) {
      builder.withDetail("lastSuccess", health.lastSuccess().toString());
    }
    if (health.lastFailure() != null) {
      builder.withDetail("lastFailure", health.lastFailure().toString());
    }
    if (health.staleSince() != null) {
      builder.withDetail("staleSince", health.staleSince().toString());
    }
    if (!health.refused().isEmpty()) {
      List<Map<String, Object>> refused = new ArrayList<>();
      for (SourceHealth.RefusedFlag r : health.refused()) {
        Map<String, Object> one = new LinkedHashMap<>();
        if (r.flag() != null) {
          one.put("flag", r.flag());
        }
        one.put("file", r.file());
        if (r.jsonPath() != null) {
          one.put("path", r.jsonPath());
        }
        one.put("error", r.detail());
        one.put("serving", r.lastGoodServes() ? "last good definition" : "PARSE_ERROR");
        refused.add(one);
      }
      builder.withDetail("refused", refused);
    }
    return builder.build();
  }
}
