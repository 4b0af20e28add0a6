package dev.progressive.spring.canary;

import dev.progressive.canary.Canary;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The application's canary releases by name: the ones configured under {@code progressive.canary.canaries} and every
 * other {@link Canary} bean. The registry does not own them; the application context closes them.
 */
public class CanaryRegistry {

  private final Map<String, Canary> canaries;

  /**
   * A registry of the given canaries.
   *
   * @throws IllegalArgumentException when two canaries have the same name
   */
  public CanaryRegistry(Collection<Canary> canaries) {
    Map<String, Canary> byName = new LinkedHashMap<>();
    for (Canary canary : canaries) {
      Objects.requireNonNull(canary, "canary");
      String name = canary.release().name();
      if (byName.putIfAbsent(name, canary) != null) {
        throw new IllegalArgumentException("two Canary beans are named '" + name + "'");
      }
    }
    this.canaries = Collections.unmodifiableMap(byName);
  }

  /** The canary of that name, if any. */
  public Optional<Canary> find(String name) {
    return Optional.ofNullable(canaries.get(name));
  }

  /** All canaries by name, in registration order. */
  public Map<String, Canary> all() {
    return canaries;
  }
}
