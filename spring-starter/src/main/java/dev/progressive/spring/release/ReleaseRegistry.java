package dev.progressive.spring.release;

import dev.progressive.release.ReleasePlan;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The application's release plans by name: those built from {@code progressive.releases.*}, which it owns and closes,
 * and every {@link ReleasePlan} bean, which the application context closes.
 */
public class ReleaseRegistry implements AutoCloseable {

  /** The prefix of the plans' properties. */
  public static final String PREFIX = "progressive.releases.";

  private final Map<String, ReleasePlan> plans;
  private final List<ReleasePlan> owned;

  /**
   * A registry of the given plans.
   *
   * @param owned the plans built from properties, closed with the registry
   * @param beans the application's {@link ReleasePlan} beans
   * @throws IllegalArgumentException when two plans have the same name
   */
  public ReleaseRegistry(Collection<ReleasePlan> owned, Collection<ReleasePlan> beans) {
    Map<String, ReleasePlan> byName = new LinkedHashMap<>();
    for (ReleasePlan plan : owned) {
      byName.put(Objects.requireNonNull(plan, "plan").name(), plan);
    }
    for (ReleasePlan plan : beans) {
      if (byName.putIfAbsent(Objects.requireNonNull(plan, "plan").name(), plan) != null) {
        throw new IllegalArgumentException("two release plans are named '" + plan.name() + "': a ReleasePlan bean "
            + "and " + (owned.contains(byName.get(plan.name())) ? PREFIX + plan.name() : "another bean"));
      }
    }
    this.plans = Collections.unmodifiableMap(byName);
    this.owned = List.copyOf(owned);
  }

  /** The plan of that name, if any. */
  public Optional<ReleasePlan> find(String name) {
    return Optional.ofNullable(plans.get(name));
  }

  /** All plans by name: the configured ones first, in their order, then the beans. */
  public Map<String, ReleasePlan> all() {
    return plans;
  }

  /** Closes the plans built from properties. */
  @Override
  public void close() {
    owned.forEach(ReleasePlan::close);
  }
}
