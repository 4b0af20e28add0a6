package dev.progressive.toggles.internal.assembly;

import dev.progressive.toggles.internal.definition.FlagDefinition;
import dev.progressive.toggles.internal.engine.CompiledFlag;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.StoredOverride;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one snapshot assembly made of one flag: its source's definition, the store's override, and the definition in
 * force.
 *
 * @param fromSource the flag as its source defines it, or null when only the store defines it
 * @param source the name of the source that defines it, or null
 * @param override the store's override, or null when it has none
 * @param inForce the definition being evaluated: the override applied to the source's, or the source's alone
 * @param overrideError why the override could not be applied (the source's definition serves), or null
 */
public record AssembledFlag(CompiledFlag fromSource, String source, StoredOverride override, CompiledFlag inForce,
    String overrideError) {

  /** The flag as its source alone defines it, with no override. */
  static AssembledFlag fromSourceOnly(CompiledFlag flag, String source) {
    return new AssembledFlag(flag, source, null, flag, null);
  }

  /** This flag with an override that changes nothing (removed), kept for its version. */
  AssembledFlag withEmptyOverride(StoredOverride empty) {
    return new AssembledFlag(fromSource, source, empty, inForce, null);
  }

  /** The flag as ops see it, or null when nothing defines it. */
  public FlagView view(String key) {
    if (inForce == null && fromSource == null) {
      return null;
    }
    CompiledFlag shown = inForce != null ? inForce : fromSource;
    FlagDefinition d = shown.definition();
    FlagOverride o = override == null ? FlagOverride.NONE : override.override();
    boolean applied = overrideError == null && !o.isEmpty();
    boolean whole = applied && o.definition() != null;
    Map<String, String> origins = new LinkedHashMap<>();
    origins.put("state", applied && (whole || o.state() != null) ? "store" : "source");
    origins.put("defaultVariant", applied && (whole || o.defaultVariant() != null) ? "store" : "source");
    origins.put("variants", whole ? "store" : "source");
    origins.put("targeting", applied && (whole || o.weights() != null) ? "store" : "source");
    return new FlagView(key, d.enabled() ? "ENABLED" : "DISABLED", d.defaultVariant(),
        List.copyOf(d.variants().keySet()), fromSource == null ? null : source,
        override == null ? 0 : override.version(), o, Map.copyOf(origins),
        fromSource == null ? null : fromSource.definition().json().toString(), d.json().toString(), overrideError);
  }
}
