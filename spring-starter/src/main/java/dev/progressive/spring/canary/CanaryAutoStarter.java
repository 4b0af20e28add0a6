package dev.progressive.spring.canary;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryState;
import dev.progressive.toggles.store.VersionConflictException;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Starts the configured canaries with {@code auto-start: true} once every singleton is created, when they are still
 * pending (a canary already started, by this or another instance, is left as it is).
 */
public class CanaryAutoStarter implements SmartInitializingSingleton {

  /** The actor recorded in the audit trail of an automatic start. */
  public static final String ACTOR = "spring-auto-start";

  private final CanaryRegistry registry;
  private final ProgressiveCanaryProperties properties;

  /** Starts the canaries of {@code registry} that {@code properties} mark auto-start. */
  public CanaryAutoStarter(CanaryRegistry registry, ProgressiveCanaryProperties properties) {
    this.registry = registry;
    this.properties = properties;
  }

  @Override
  public void afterSingletonsInstantiated() {
    properties.getCanaries().forEach((name, definition) -> {
      if (definition.isAutoStart()) {
        Canary canary = registry.find(name).orElseThrow();
        if (canary.state() == CanaryState.PENDING) {
          try {
            canary.start(ACTOR, "progressive.canary.canaries." + name + ".auto-start");
          } catch (IllegalStateException | VersionConflictException e) {
            if (canary.state() == CanaryState.PENDING) {
              throw e;
            }
            // another instance started it first
          }
        }
      }
    });
  }
}
