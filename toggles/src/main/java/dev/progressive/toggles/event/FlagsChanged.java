package dev.progressive.toggles.event;

import java.util.Set;

/**
 * Flags whose behaviour changed in one snapshot swap: added, removed, or changed in any way that can change an
 * evaluation.
 *
 * @param keys the changed keys
 * @param generation the generation of the snapshot now in force
 */
public record FlagsChanged(Set<String> keys, long generation) {
  public FlagsChanged {
    keys = Set.copyOf(keys);
  }
}
