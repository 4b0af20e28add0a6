package dev.progressive.spring.actuate;

import dev.progressive.toggles.FlagAdmin;
import dev.progressive.toggles.ReservedFlagException;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.ChangeRequestRules;
import dev.progressive.toggles.store.FlagOverride;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.InvalidChangeRequestException;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.VersionConflictException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code toggles} actuator endpoint: ops read every flag and change one at runtime.
 *
 * <ul>
 *   <li>{@code GET /actuator/toggles}: every flag (key, state, default variant, variants, source, version, override
 *       and origins) and the health of each source and of the store.</li>
 *   <li>{@code GET /actuator/toggles/{key}}: one flag, with its source's and its effective definition and its latest
 *       audit entries.</li>
 *   <li>{@code POST /actuator/toggles/{key}} with exactly one of {@code {"state": "ENABLED"|"DISABLED"}},
 *       {@code {"defaultVariant": "v"}} or {@code {"weights": {"v": 20, ...}}}, a {@code "reason"} and an
 *       optional {@code "version"}: the version that was read. Without a version, the change applies over the
 *       version in force when the request is handled (last writer wins); with one, a stale version is refused.</li>
 *   <li>{@code DELETE /actuator/toggles/{key}} ({@code reason} and optional {@code version} query parameters):
 *       removes the override, so the source's definition serves again.</li>
 * </ul>
 *
 * <p>Answers: 400 with a message for a bad body, a bad request ({@link ChangeRequestRules}: a reason is required,
 * actor and reason are limited in length and have no control characters) or an invalid change, with a
 * {@code field} that names the field to blame when there is one (nothing is stored); 400 too for a flag
 * {@code canary.<name>}, which changes only through {@code /actuator/canaries/<name>}; 403 when writes are off, 404
 * for an unknown flag, 409 with the current version for a stale version, 503 when the store is unavailable. The
 * actor in the audit is the authenticated principal's name, or {@value #ANONYMOUS} when there is none.
 */
@Endpoint(id = "toggles")
public class TogglesEndpoint {

  /** The actor recorded for a change made without an authenticated principal. */
  public static final String ANONYMOUS = "anonymous";

  static final String WRITES_OFF = "Changes through the actuator are off because Spring Security is not on the "
      + "classpath. Add spring-boot-starter-security (writes then need the role set by "
      + "progressive.security.write-role), or set progressive.security.allow-unsecured-writes=true if the endpoint "
      + "is otherwise protected.";

  static final int STATUS_FORBIDDEN = 403;

  /** How many of a flag's latest audit entries its single read shows. */
  public static final int HISTORY_LIMIT = 50;

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String NO_PRINCIPAL = "Changes need an authenticated principal; this request has none (JMX, or a "
      + "web request that bypassed the security filter chain).";

  private final Toggles toggles;
  private final FlagAdmin admin;
  private final boolean writesEnabled;
  private final boolean principalRequired;

  /**
   * Creates the endpoint.
   *
   * @param toggles the flags it shows and changes
   * @param writesEnabled whether write operations are allowed; when false they answer 403 and change nothing
   * @param principalRequired whether a write needs an authenticated principal (so that a write through a way that
   *     Spring Security does not guard, such as JMX, is refused with 403)
   */
  public TogglesEndpoint(Toggles toggles, boolean writesEnabled, boolean principalRequired) {
    this(toggles, writesEnabled, principalRequired, ChangeRequestRules.ofDefaults());
  }

  /**
   * Creates the endpoint.
   *
   * @param toggles the flags it shows and changes
   * @param writesEnabled whether write operations are allowed; when false they answer 403 and change nothing
   * @param principalRequired whether a write needs an authenticated principal
   * @param rules what each change request must hold (such as the longest reason)
   */
  public TogglesEndpoint(Toggles toggles, boolean writesEnabled, boolean principalRequired,
      ChangeRequestRules rules) {
    this.toggles = Objects.requireNonNull(toggles, "toggles");
    this.admin = toggles.admin().withRules(Objects.requireNonNull(rules, "rules"));
    this.writesEnabled = writesEnabled;
    this.principalRequired = principalRequired;
  }

  /** Every flag in force and the health of each source and of the store. */
  @ReadOperation
  public TogglesReport flags() {
    List<FlagDescriptor> flags = toggles.admin().flags().stream().map(FlagDescriptor::listed).toList();
    List<SourceDescriptor> sources = toggles.health().stream().map(SourceDescriptor::of).toList();
    return new TogglesReport(flags, sources);
  }

  /**
   * One flag, with its definitions.
   *
   * @param key the flag's key
   * @return the flag, or 404
   */
  @ReadOperation
  public WebEndpointResponse<Object> flag(@Selector String key) {
    return toggles.admin().flag(key)
        .<WebEndpointResponse<Object>>map(v -> new WebEndpointResponse<>(FlagDescriptor.of(v, history(key))))
        .orElseGet(() -> unknown(key));
  }

  /**
   * Changes one part of a flag: its state, its default variant or its rollout weights.
   *
   * @param key the flag's key
   * @param state {@code ENABLED} or {@code DISABLED}
   * @param defaultVariant the new default variant
   * @param weights variant name to weight, for the flag's fractional rule: a JSON object, which the actuator's web
   *     layer hands over as its JSON text (see {@link TogglesRequestBodyAdvice})
   * @param reason why, for the audit; required
   * @param version the version read before deciding the change, a whole number from 0; absent means the version
   *     in force now
   * @param securityContext who asks
   * @return the flag after the change, or an error
   */
  @WriteOperation
  public WebEndpointResponse<Object> change(@Selector String key, @Nullable String state,
      @Nullable String defaultVariant, @Nullable String weights, @Nullable String reason,
      @Nullable String version, SecurityContext securityContext) {
    WebEndpointResponse<Object> refused = refuse(key, securityContext);
    if (refused != null) {
      return refused;
    }
    int parts = (state != null ? 1 : 0) + (defaultVariant != null ? 1 : 0) + (weights != null ? 1 : 0);
    if (parts != 1) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST,
          "The body needs exactly one of \"state\", \"defaultVariant\" or \"weights\"", key);
    }
    if (state != null && !state.equals("ENABLED") && !state.equals("DISABLED")) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST,
          "\"state\" must be ENABLED or DISABLED, was \"" + WriteBodyReader.quote(state) + "\"", key, "state");
    }
    Map<String, Integer> parsedWeights = null;
    if (weights != null) {
      Map<String, Object> weightMap;
      try {
        weightMap = JSON.readValue(weights, new TypeReference<LinkedHashMap<String, Object>>() {});
      } catch (IOException | RuntimeException e) {
        weightMap = null;
      }
      if (weightMap == null) {
        return error(WebEndpointResponse.STATUS_BAD_REQUEST,
            "\"weights\" must be an object of variant names to whole numbers, such as {\"on\": 20, \"off\": 80}", key,
            "weights");
      }
      parsedWeights = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : weightMap.entrySet()) {
        String field = "weights." + WriteBodyReader.quote(e.getKey());
        if (!(e.getValue() instanceof Integer || e.getValue() instanceof Long || e.getValue() instanceof Short)) {
          return error(WebEndpointResponse.STATUS_BAD_REQUEST, "\"" + field + "\" must be a whole number from 0 to "
              + Integer.MAX_VALUE + ", was " + WriteBodyReader.quote(String.valueOf(e.getValue())), key, field);
        }
        long weight = ((Number) e.getValue()).longValue();
        if (weight < 0 || weight > Integer.MAX_VALUE) {
          return error(WebEndpointResponse.STATUS_BAD_REQUEST, "\"" + field + "\" must be a whole number from 0 to "
              + Integer.MAX_VALUE + ", was " + weight, key, field);
        }
        parsedWeights.put(e.getKey(), (int) weight);
      }
      if (parsedWeights.isEmpty()) {
        return error(WebEndpointResponse.STATUS_BAD_REQUEST, "\"weights\" must name at least one variant", key,
            "weights");
      }
    }
    Map<String, Integer> finalWeights = parsedWeights;
    return write(key, reason, version, securityContext, (admin, request) -> {
      if (state != null) {
        return admin.setState(key, state.equals("ENABLED"), request);
      }
      if (defaultVariant != null) {
        return admin.setDefaultVariant(key, defaultVariant, request);
      }
      return admin.setWeights(key, finalWeights, request);
    });
  }

  /**
   * Removes the override of a flag, so that its source's definition serves again.
   *
   * @param key the flag's key
   * @param reason why, for the audit; required
   * @param version the version read before deciding the change, a whole number from 0; absent means the version
   *     in force now
   * @param securityContext who asks
   * @return the flag after the change, or an error
   */
  @DeleteOperation
  public WebEndpointResponse<Object> removeOverride(@Selector String key, @Nullable String reason,
      @Nullable String version, SecurityContext securityContext) {
    WebEndpointResponse<Object> refused = refuse(key, securityContext);
    if (refused != null) {
      return refused;
    }
    return write(key, reason, version, securityContext,
        (admin, request) -> admin.removeOverride(key, request).orElse(null));
  }

  /**
   * The latest audit entries of a flag, oldest first. When the store cannot be read within its time budget, those
   * this instance knows, marked stale.
   */
  private History history(String key) {
    List<AuditEntry> entries;
    boolean stale = false;
    try {
      entries = toggles.admin().history(key, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE), Integer.MAX_VALUE);
    } catch (StoreUnavailableException e) {
      entries = e.knownHistory();
      stale = true;
    }
    return new History(entries.subList(Math.max(0, entries.size() - HISTORY_LIMIT), entries.size()).stream()
        .map(AuditDescriptor::of).toList(), stale);
  }

  /** A flag's latest audit entries, and whether they are only what this instance knows. */
  private record History(List<AuditDescriptor> entries, boolean stale) {}

  private WebEndpointResponse<Object> refuse(String key, SecurityContext securityContext) {
    if (!writesEnabled) {
      return error(STATUS_FORBIDDEN, WRITES_OFF, key);
    }
    if (principalRequired && actor(securityContext).equals(ANONYMOUS)) {
      return error(STATUS_FORBIDDEN, NO_PRINCIPAL, key);
    }
    if (FlagAdmin.isCanaryFlag(key)) {
      String canary = key.substring(FlagAdmin.CANARY_PREFIX.length());
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Flag '" + key + "' holds the state of canary release '"
          + canary + "' and changes only through the canaries endpoint: POST /actuator/canaries/" + canary
          + " with {\"action\": \"promote\"|\"pause\"|\"resume\"|\"abort\", \"reason\": \"...\"}", key);
    }
    if (ReservedFlagException.isReleaseFlag(key)) {
      String release = key.substring(ReservedFlagException.RELEASE_PREFIX.length());
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Flag '" + key + "' holds the state of release plan '"
          + release + "' and changes only through the releases endpoint: POST /actuator/releases/" + release
          + " with {\"action\": \"approve\"|\"advance\"|\"pause\"|\"resume\"|\"abort\", \"reason\": \"...\"}", key);
    }
    return null;
  }

  private WebEndpointResponse<Object> write(String key, @Nullable String reason, @Nullable String version,
      SecurityContext securityContext, Change change) {
    Optional<FlagView> current = admin.flag(key);
    if (current.isEmpty()) {
      return unknown(key);
    }
    Long parsedVersion = null;
    if (version != null) {
      try {
        parsedVersion = Long.parseLong(version.trim());
      } catch (NumberFormatException e) {
        parsedVersion = null;
      }
      if (parsedVersion == null || parsedVersion < 0) {
        return error(WebEndpointResponse.STATUS_BAD_REQUEST, "\"version\" must be a whole number from 0, was \""
            + WriteBodyReader.quote(version) + "\"", key, "version");
      }
    }
    // Without a version, the change applies over whatever version is current when it is written: last writer wins.
    ChangeRequest request = parsedVersion != null
        ? ChangeRequest.of(actor(securityContext), reason == null ? "" : reason, parsedVersion)
        : ChangeRequest.lastWriterWins(actor(securityContext), reason == null ? "" : reason);
    try {
      FlagView after = change.apply(admin, request);
      if (after == null) {
        return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
      }
      return new WebEndpointResponse<>(FlagDescriptor.of(after, history(key)));
    } catch (VersionConflictException e) {
      Map<String, Object> body = errorBody(e.getMessage(), key);
      body.put("expectedVersion", e.expectedVersion());
      body.put("currentVersion", e.currentVersion());
      return new WebEndpointResponse<>(body, 409);
    } catch (InvalidChangeRequestException e) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage(), key, e.field());
    } catch (FlagDefinitionException | IllegalArgumentException e) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage(), key);
    } catch (StoreUnavailableException e) {
      return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, e.getMessage(), key);
    }
  }

  private static String actor(SecurityContext securityContext) {
    Principal principal = securityContext == null ? null : securityContext.getPrincipal();
    if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
      return ANONYMOUS;
    }
    return principal.getName();
  }

  private static WebEndpointResponse<Object> unknown(String key) {
    return error(WebEndpointResponse.STATUS_NOT_FOUND, "No flag '" + key + "'", key);
  }

  private static WebEndpointResponse<Object> error(int status, String message, String key) {
    return new WebEndpointResponse<>(errorBody(message, key), status);
  }

  private static WebEndpointResponse<Object> error(int status, String message, String key, String field) {
    Map<String, Object> body = errorBody(message, key);
    body.put("field", field);
    return new WebEndpointResponse<>(body, status);
  }

  private static Map<String, Object> errorBody(String message, String key) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message == null ? "" : message);
    body.put("key", key);
    return body;
  }

  @FunctionalInterface
  private interface Change {
    FlagView apply(FlagAdmin admin, ChangeRequest request);
  }

  /**
   * What {@code GET /actuator/toggles} answers.
   *
   * @param flags every flag, sorted by key
   * @param sources the health of each source, then of the store
   */
  public record TogglesReport(List<FlagDescriptor> flags, List<SourceDescriptor> sources) {}

  /**
   * One flag as the endpoint shows it.
   *
   * @param key the flag's key
   * @param state {@code ENABLED} or {@code DISABLED}, in force
   * @param defaultVariant the default variant in force, or null
   * @param variants the variants in force
   * @param source the source that defines it, or null when only the store does
   * @param version the version to send with the next change; 0 when never changed
   * @param override what the store overrides: {@code state}, {@code defaultVariant}, {@code weights} and whether a
   *     whole {@code definition} is replaced; empty when nothing is
   * @param origins for state, defaultVariant, variants and targeting: {@code source} or {@code store}
   * @param overrideError why the override does not apply, or null
   * @param sourceDefinition the source's definition as flagd JSON (single flag only)
   * @param effectiveDefinition the definition in force as flagd JSON (single flag only)
   * @param history the flag's latest {@value #HISTORY_LIMIT} audit entries, oldest first (single flag only); while
   *     the store cannot be read, those this instance knows
   * @param historyStale whether {@code history} is only what this instance knows, because the store could not be read
   *     in time (single flag only; null otherwise)
   */
  public record FlagDescriptor(String key, String state, String defaultVariant, List<String> variants, String source,
      long version, Map<String, Object> override, Map<String, String> origins, String overrideError,
      String sourceDefinition, String effectiveDefinition, List<AuditDescriptor> history, Boolean historyStale) {

    static FlagDescriptor listed(FlagView view) {
      return of(view, false, null, null);
    }

    private static FlagDescriptor of(FlagView view, History history) {
      return of(view, true, history.entries(), history.stale());
    }

    static FlagDescriptor of(FlagView view, boolean withDefinitions, @Nullable List<AuditDescriptor> history,
        @Nullable Boolean historyStale) {
      Map<String, Object> override = new LinkedHashMap<>();
      FlagOverride o = view.override();
      if (o != null) {
        if (o.state() != null) {
          override.put("state", o.state());
        }
        if (o.defaultVariant() != null) {
          override.put("defaultVariant", o.defaultVariant());
        }
        if (o.weights() != null) {
          override.put("weights", o.weights());
        }
        if (o.definition() != null) {
          override.put("definition", withDefinitions ? o.definition() : true);
        }
      }
      return new FlagDescriptor(view.key(), view.state(), view.defaultVariant(), view.variants(), view.source(),
          view.version(), override, view.origins(), view.overrideError(),
          withDefinitions ? view.sourceDefinition() : null, withDefinitions ? view.effectiveDefinition() : null,
          history, historyStale);
    }
  }

  /**
   * One change of a flag, from its audit.
   *
   * @param id the store-wide change number
   * @param version the flag's version after the change
   * @param action what was done, such as {@code set-state}
   * @param actor who did it
   * @param reason why, as they said
   * @param at when
   * @param before the effective definition before, as flagd JSON, or null
   * @param after the effective definition after, as flagd JSON, or null
   */
  public record AuditDescriptor(long id, long version, String action, String actor, String reason, Instant at,
      String before, String after) {
    static AuditDescriptor of(AuditEntry e) {
      return new AuditDescriptor(e.id(), e.version(), e.action(), e.actor(), e.reason(), e.at(), e.before(),
          e.after());
    }
  }

  /**
   * The health of a flag source or of the store.
   *
   * @param name its name
   * @param status UP or DOWN
   * @param error why it is DOWN, or null
   */
  public record SourceDescriptor(String name, String status, String error) {
    static SourceDescriptor of(SourceHealth health) {
      return new SourceDescriptor(health.source(), health.status().name(), health.error());
    }
  }
}
