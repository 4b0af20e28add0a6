package dev.progressive.toggles.internal.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.internal.engine.CompiledFlag;
import dev.progressive.toggles.internal.store.Overrides;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.StoredOverride;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ops' changes of one flag at a time, behind {@code FlagAdmin}: validates a change with the compiler that the sources
 * use, writes it with its audit entry, and puts it in force here at once; and reads the flags and their audit as ops
 * see them. It checks no request rules: that is {@code FlagAdmin}'s job.
 */
public final class FlagChanges {

  /** Logged under the facade's name, as before the split, so that users' log settings keep working. */
  private static final Logger LOG = LoggerFactory.getLogger(Failures.TOGGLES_LOGGER);

  private final FlagStore store;
  private final SnapshotAssembler assembler;
  private final OverrideSync sync;

  public FlagChanges(FlagStore store, SnapshotAssembler assembler, OverrideSync sync) {
    this.store = store;
    this.assembler = assembler;
    this.sync = sync;
  }

  /**
   * Validates and writes one change of a flag, then applies it here at once. Other instances apply it when their
   * store tells them.
   *
   * @param action the audit's name of the change, e.g. {@code set-state}
   * @param edit the change, from the flag's override in force (or the store's, when that is newer)
   * @return the flag as ops now see it, or null when it no longer exists
   * @throws FlagDefinitionException when the flag with the change would be invalid; nothing is written
   * @throws StoreUnavailableException when the store cannot be written; the store is then STALE
   */
  public FlagView change(String key, String action, ChangeRequest request, UnaryOperator<FlagOverride> edit) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(request, "request");
    AssembledFlag flag = assembler.flag(key);
    StoredOverride applied = assembler.overrides().get(key);
    StoredOverride latest = store.read(key).orElse(null);
    StoredOverride current = latest != null && (applied == null || latest.version() > applied.version()) ? latest
        : applied;
    FlagOverride before = current == null ? FlagOverride.NONE : current.override();
    FlagOverride after = edit.apply(before);
    CompiledFlag fromSource = flag == null ? null : flag.fromSource();
    JsonNode beforeJson = flag == null || flag.inForce() == null ? null : flag.inForce().definition().json();
    JsonNode afterJson;
    if (after.isEmpty()) {
      afterJson = fromSource == null ? null : fromSource.definition().json();
    } else {
      afterJson = Overrides.apply(key, fromSource == null ? null : fromSource.definition().json(), after);
      if (afterJson == null) {
        throw new FlagDefinitionException(Overrides.ORIGIN, key, "$.flags." + key,
            "no flag '" + key + "' is defined; send a whole definition to create it");
      }
      assembler.compile(key, afterJson, fromSource); // validates as the sources' flags are; throws when invalid
    }
    AuditEntry audit = new AuditEntry(0, key, 0, action, request.actor(), request.reason(), null,
        beforeJson == null ? null : beforeJson.toString(), afterJson == null ? null : afterJson.toString());
    StoredOverride stored;
    try {
      stored = store.write(key, after, request.expectedVersion(), audit);
    } catch (StoreUnavailableException e) {
      sync.unavailable(e);
      throw e;
    }
    LOG.info("Flag '{}' {} by {} (version {}), reason: {}", key, action, request.actor(), stored.version(),
        request.reason());
    sync.changed(List.of(stored), false);
    return view(key);
  }

  /** The audit of a flag (or of all flags, for a null key); the store is STALE when it cannot be read. */
  public List<AuditEntry> history(String key, Instant from, Instant to, int limit) {
    try {
      return store.history(key, from, to, limit);
    } catch (StoreUnavailableException e) {
      sync.unavailable(e);
      throw e;
    }
  }

  /** One flag as ops see it, or null when it does not exist. */
  public FlagView view(String key) {
    AssembledFlag flag = assembler.flag(key);
    return flag == null ? null : flag.view(key);
  }

  /** Every flag as ops see it, sorted by key. */
  public List<FlagView> views() {
    List<FlagView> out = new ArrayList<>();
    for (String key : new TreeSet<>(assembler.keys())) {
      FlagView v = view(key);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}
