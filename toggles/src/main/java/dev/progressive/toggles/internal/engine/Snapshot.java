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

  /**
   * The flags by key, read by {@link #get} directly: no unmodifiable wrapper on the evaluation path. Its keys are
   * the flags' interned keys, so a caller's literal key matches by identity.
   */
  private final HashMap<String, CompiledFlag> lookup;
  private final Map<String, CompiledFlag> flags;
  private final Map<String, EvaluationOutcome> broken;
  private final long generation;

  public Snapshot(Map<String, CompiledFlag> flags, long generation) {
    this(flags, Map.of(), generation);
  }

  /**
   * @param flags the flags in force, by key
   * @param broken the PARSE_ERROR outcome of each flag that its source gives but that could not be compiled and has
   *     no good definition to keep, by key; a key in {@code flags} is never broken
   * @param generation see {@link #generation()}
   */
  public Snapshot(Map<String, CompiledFlag> flags, Map<String, EvaluationOutcome> broken, long generation) {
    this.lookup = new HashMap<>(Math.max(16, (int) (flags.size() / 0.75f) + 1));
    for (Map.Entry<String, CompiledFlag> e : flags.entrySet()) {
      String key = e.getKey();
      String interned = e.getValue().key();
      lookup.put(key.equals(interned) ? interned : key, e.getValue());
    }
    this.flags = Collections.unmodifiableMap(lookup);
    Map<String, EvaluationOutcome> b = new HashMap<>(broken);
    b.keySet().removeAll(flags.keySet());
    this.broken = Collections.unmodifiableMap(b);
    this.generation = generation;
  }

  /** The flag, or null. */
  public CompiledFlag get(String key) {
    return lookup.get(key);
  }

  /** The map behind {@link #get}, for the engine to read without going through the snapshot. Never modified. */
  HashMap<String, CompiledFlag> lookup() {
    return lookup;
  }

  /** The PARSE_ERROR outcome of a flag that could not be compiled and has no good definition, or null. */
  public EvaluationOutcome broken(String key) {
    return broken.get(key);
  }

  public Map<String, CompiledFlag> flags() {
    return flags;
  }

  /** The flags that answer PARSE_ERROR because they could not be compiled, by key. */
  public Map<String, EvaluationOutcome> broken() {
    return broken;
  }

  /** Counts the snapshots swapped in, starting at 1 for the first. */
  public long generation() {
    return generation;
  }

  /** The keys whose behaviour differs between this snapshot and the next: added, removed, changed or broken. */
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
    for (Map.Entry<String, EvaluationOutcome> e : next.broken.entrySet()) {
      EvaluationOutcome before = broken.get(e.getKey());
      if (before == null || !Objects.equals(before.errorMessage(), e.getValue().errorMessage())) {
        changed.add(e.getKey());
      }
    }
    for (String key : broken.keySet()) {
      if (!next.broken.containsKey(key)) {
        changed.add(key);
      }
    }
    return changed;
  }
}
