package dev.progressive.toggles.internal.engine;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * All flags in force at one moment, immutable. A change builds a new snapshot and swaps it in whole, so an
 * evaluation always sees one consistent set.
 */
public final class Snapshot {

  public static final Snapshot EMPTY = new Snapshot(Map.of(), 0);

  private final Map<String, CompiledFlag> flags;
  private final long generation;

  public Snapshot(Map<String, CompiledFlag> flags, long generation) {
    this.flags = Collections.unmodifiableMap(new HashMap<>(flags));
    this.generation = generation;
  }

  /** The flag, or null. */
  public CompiledFlag get(String key) {
    return flags.get(key);
  }

  public Map<String, CompiledFlag> flags() {
    return flags;
  }

  /** Counts the snapshots swapped in, starting at 1 for the first. */
  public long generation() {
    return generation;
  }

  /** The keys whose behaviour differs between this snapshot and the next: added, removed or changed. */
  public Set<String> changedKeys(Snapshot next) {
    Set<String> changed = new LinkedHashSet<>();
    for (Map.Entry<String, CompiledFlag> e : next.flags.entrySet()) {
      CompiledFlag before = flags.get(e.getKey());
      if (before == null || !Objects.equals(before.fingerprint(), e.getValue().fingerprint())) {
        changed.add(e.getKey());
      }
    }
    for (String key : flags.keySet()) {
      if (!next.flags.containsKey(key)) {
        changed.add(key);
      }
    }
    return changed;
  }
}
