package dev.progressive.toggles;

import dev.progressive.toggles.internal.assembly.FlagChanges;
import dev.progressive.toggles.internal.reserved.CanaryFlagWrites;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.ChangeRequestRules;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.InvalidChangeRequestException;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.VersionConflictException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The write API for ops: change flags at runtime, on every instance that shares the store, with an actor, a reason
 * and the version that was read. Obtained from {@link Toggles#admin()}.
 *
 * <pre>{@code
 * FlagView flag = toggles.admin().flag("new-menu-search").orElseThrow();
 * toggles.admin().setState("new-menu-search", true,
 *     ChangeRequest.of("alice", "beta users are happy", flag.version()));
 * }</pre>
 *
 * <p>Every change is validated with the compiler that the sources use, written with its audit entry as one
 * compare-and-set on the flag's version, logged at INFO and counted in {@code progressive.toggle.changes} with
 * origin {@code store}. A change is an override over the source's definition; {@link #removeOverride} returns the
 * flag to its source's definition.
 *
 * <p>Before any store sees a change, its request is checked with {@link ChangeRequestRules} (a reason is required;
 * the key, actor and reason are at most 1,000 characters, without control characters), the same for every kind of
 * store; {@link #withRules} sets other limits.
 *
 * <p>Flags named {@value #CANARY_PREFIX}{@code <name>} hold the state of canary release {@code <name>}: they change
 * only through the canary's own API ({@code Canary#promote}, {@code pause}, {@code resume}, {@code abort}, or
 * {@code POST /actuator/canaries/<name>}). Every write here refuses them with a {@link ReservedFlagException}; the
 * canary module writes them through {@code internal.reserved.CanaryFlagWrites}, which the module descriptor
 * exports to it alone.
 *
 * <p>Every method throws {@link InvalidChangeRequestException} when the request breaks the rules,
 * {@link FlagDefinitionException} when the change is invalid, {@link VersionConflictException} when the flag changed
 * since it was read, and {@link StoreUnavailableException} when the store cannot be written. In each case nothing
 * was stored.
 */
public final class FlagAdmin {

  /** The prefix of the flags that hold canary releases' state. */
  public static final String CANARY_PREFIX = "canary.";

  static {
    // The canary module's own way of writing its flags; FlagAdmin refuses them to everyone else.
    CanaryFlagWrites.install((toggles, key, definition, request) -> {
      FlagAdmin admin = toggles.admin();
      Objects.requireNonNull(definition, "definition");
      admin.check(key, request, false);
      return admin.changes.change(key, "replace-definition", request, o -> o.withDefinition(definition));
    }, (toggles, key, request) -> {
      FlagAdmin admin = toggles.admin();
      admin.check(key, request, false);
      return Optional.ofNullable(admin.changes.change(key, "remove-override", request, o -> FlagOverride.NONE));
    });
  }

  /** Validates, writes and applies each change, and reads the flags and their audit. */
  private final FlagChanges changes;
  private final ChangeRequestRules rules;

  FlagAdmin(FlagChanges changes) {
    this(changes, ChangeRequestRules.ofDefaults());
  }

  private FlagAdmin(FlagChanges changes, ChangeRequestRules rules) {
    this.changes = changes;
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** This admin, over the same flags, checking each change request with other rules. */
  public FlagAdmin withRules(ChangeRequestRules rules) {
    return new FlagAdmin(changes, rules);
  }

  /** The rules each change request is checked with. */
  public ChangeRequestRules rules() {
    return rules;
  }

  /** Whether a flag holds a canary release's state, and so changes only through the canary's API. */
  public static boolean isCanaryFlag(String key) {
    return key != null && key.startsWith(CANARY_PREFIX);
  }

  /** One flag, with its source, override, origins and version. */
  public Optional<FlagView> flag(String key) {
    return Optional.ofNullable(changes.view(Objects.requireNonNull(key, "key")));
  }

  /** Every flag, sorted by key. */
  public List<FlagView> flags() {
    return changes.views();
  }

  /** Enables or disables a flag. */
  public FlagView setState(String key, boolean enabled, ChangeRequest request) {
    check(key, request, true);
    return changes.change(key, "set-state", request, o -> o.withState(enabled ? "ENABLED" : "DISABLED"));
  }

  /** Sets the default variant, which must be one of the flag's variants. */
  public FlagView setDefaultVariant(String key, String variant, ChangeRequest request) {
    Objects.requireNonNull(variant, "variant");
    check(key, request, true);
    return changes.change(key, "set-default-variant", request, o -> o.withDefaultVariant(variant));
  }

  /**
   * Sets the weights of the flag's {@code fractional} buckets, e.g. {@code {"on": 20, "off": 80}}. A flag without
   * targeting gets a {@code fractional} rule over these variants.
   */
  public FlagView setWeights(String key, Map<String, Integer> weights, ChangeRequest request) {
    Objects.requireNonNull(weights, "weights");
    check(key, request, true);
    return changes.change(key, "set-weights", request, o -> o.withWeights(weights));
  }

  /**
   * Replaces the flag's whole definition (flagd JSON or YAML of one flag: {@code state}, {@code variants},
   * {@code defaultVariant}, {@code targeting}, {@code metadata}). It may create a flag that no source defines.
   */
  public FlagView replaceDefinition(String key, String definition, ChangeRequest request) {
    Objects.requireNonNull(definition, "definition");
    check(key, request, true);
    return changes.change(key, "replace-definition", request, o -> o.withDefinition(definition));
  }

  /** Removes the flag's override: the source's definition is in force again. */
  public Optional<FlagView> removeOverride(String key, ChangeRequest request) {
    check(key, request, true);
    return Optional.ofNullable(changes.change(key, "remove-override", request, o -> FlagOverride.NONE));
  }

  /** The audit of one flag between two instants, oldest first, at most {@code limit} entries. */
  public List<AuditEntry> history(String key, Instant from, Instant to, int limit) {
    Objects.requireNonNull(key, "key");
    return changes.history(key, from, to, checkLimit(limit));
  }

  /** The audit of every flag between two instants, oldest first, at most {@code limit} entries. */
  public List<AuditEntry> history(Instant from, Instant to, int limit) {
    return changes.history(null, from, to, checkLimit(limit));
  }

  private void check(String key, ChangeRequest request, boolean refuseCanaryFlags) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(request, "request");
    if (refuseCanaryFlags && ReservedFlagException.isReserved(key)) {
      throw ReservedFlagException.of(key);
    }
    rules.check(key, request);
  }

  private static int checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return limit;
  }
}
