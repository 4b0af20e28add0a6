package dev.progressive.spring.release;

import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Starts the configured plans with {@code auto-start: true} once every singleton is created, when they are still
 * pending: a plan already started, by this or another instance, is left as it is.
 */
public class ReleaseAutoStarter implements SmartInitializingSingleton {

  /** The actor recorded in the audit of an automatic start. */
  public static final String ACTOR = "spring-auto-start";

  private final ReleaseRegistry registry;
  private final ProgressiveReleaseProperties properties;

  public ReleaseAutoStarter(ReleaseRegistry registry, ProgressiveReleaseProperties properties) {
    this.registry = registry;
    this.properties = properties;
  }

  @Override
  public void afterSingletonsInstantiated() {
    properties.getReleases().forEach((name, plan) -> {
      if (!plan.isAutoStart()) {
        return;
      }
      ReleasePlan release = registry.find(name).orElseThrow();
      if (release.status().state() != ReleaseState.PENDING) {
        return;
      }
      try {
        release.start(ACTOR, ReleaseRegistry.PREFIX + name + ".auto-start");
      } catch (ReleaseActionException | ReleaseConflictException e) {
        // another instance started it first: the start (or a later change) won the compare-and-set
      }
    });
  }
}
