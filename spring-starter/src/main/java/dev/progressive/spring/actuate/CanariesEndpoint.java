package dev.progressive.spring.actuate;

import dev.progressive.canary.Canary;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.VersionConflictException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code canaries} actuator endpoint:
 *
 * <ul>
 *   <li>{@code GET /actuator/canaries}: every canary with its state, step, weight in percent and last verdict.</li>
 *   <li>{@code GET /actuator/canaries/{name}}: one canary.</li>
 *   <li>{@code POST /actuator/canaries/{name}} with {@code {"action": "promote"|"pause"|"resume"|"abort",
 *       "reason": "...", "fully": true|false}}: performs the action; {@code fully} only applies to promote.</li>
 * </ul>
 *
 * <p>Answers: 400 for an unknown action or one the canary's state does not allow (nothing changes), 403 when writes
 * are off, 404 for an unknown canary, 409 when another instance changed the canary at the same time, 503 when the
 * store is unavailable. The actor in the audit is the authenticated principal's name, or
 * {@value TogglesEndpoint#ANONYMOUS} when there is none.
 */
@Endpoint(id = "canaries")
public class CanariesEndpoint {

  private final CanaryRegistry registry;
  private final boolean writesEnabled;
  private final boolean principalRequired;

  /**
   * Creates the endpoint.
   *
   * @param registry the canaries it shows and acts on
   * @param writesEnabled whether write operations are allowed; when false they answer 403 and change nothing
   * @param principalRequired whether a write needs an authenticated principal (so that a write through a way that
   *     Spring Security does not guard, such as JMX, is refused with 403)
   */
  public CanariesEndpoint(CanaryRegistry registry, boolean writesEnabled, boolean principalRequired) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.writesEnabled = writesEnabled;
    this.principalRequired = principalRequired;
  }

  /** Every canary, in registration order. */
  @ReadOperation
  public CanariesReport canaries() {
    return new CanariesReport(registry.all().values().stream().map(CanaryDescriptor::of).toList());
  }

  /** One canary, or 404. */
  @ReadOperation
  public WebEndpointResponse<Object> canary(@Selector String name) {
    return registry.find(name)
        .<WebEndpointResponse<Object>>map(c -> new WebEndpointResponse<>(CanaryDescriptor.of(c)))
        .orElseGet(() -> unknown(name));
  }

  /**
   * Performs an action on one canary.
   *
   * @param name the canary
   * @param action {@code promote}, {@code pause}, {@code resume} or {@code abort}
   * @param reason why, for the audit trail
   * @param fully for promote: straight to 100% rather than one step up
   * @param securityContext who asks
   * @return the canary after the action, or an error
   */
  @WriteOperation
  public WebEndpointResponse<Object> act(@Selector String name, @Nullable String action, @Nullable String reason,
      @Nullable Boolean fully, SecurityContext securityContext) {
    if (!writesEnabled) {
      return error(TogglesEndpoint.STATUS_FORBIDDEN, TogglesEndpoint.WRITES_OFF, name);
    }
    String actor = actor(securityContext);
    if (principalRequired && actor.equals(TogglesEndpoint.ANONYMOUS)) {
      return error(TogglesEndpoint.STATUS_FORBIDDEN, TogglesEndpoint.NO_PRINCIPAL, name);
    }
    Optional<Canary> found = registry.find(name);
    if (found.isEmpty()) {
      return unknown(name);
    }
    Canary canary = found.get();
    String why = reason == null ? "" : reason;
    String verb = action == null ? "" : action.toLowerCase(Locale.ROOT);
    try {
      switch (verb) {
        case "promote" -> canary.promote(actor, why, Boolean.TRUE.equals(fully));
        case "pause" -> canary.pause(actor, why);
        case "resume" -> canary.resume(actor, why);
        case "abort" -> canary.abort(actor, why);
        default -> {
          return error(WebEndpointResponse.STATUS_BAD_REQUEST,
              "\"action\" must be promote, pause, resume or abort, was " + (action == null ? "absent" : action),
              name);
        }
      }
    } catch (VersionConflictException e) {
      return error(409, e.getMessage(), name);
    } catch (IllegalStateException | IllegalArgumentException e) {
      return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage(), name);
    } catch (StoreUnavailableException e) {
      return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, e.getMessage(), name);
    }
    return new WebEndpointResponse<>(CanaryDescriptor.of(canary));
  }

  private static String actor(SecurityContext securityContext) {
    Principal principal = securityContext == null ? null : securityContext.getPrincipal();
    if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
      return TogglesEndpoint.ANONYMOUS;
    }
    return principal.getName();
  }

  private static WebEndpointResponse<Object> unknown(String name) {
    return error(WebEndpointResponse.STATUS_NOT_FOUND, "No canary '" + name + "'", name);
  }

  private static WebEndpointResponse<Object> error(int status, String message, String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message == null ? "" : message);
    body.put("name", name);
    return new WebEndpointResponse<>(body, status);
  }

  /**
   * What {@code GET /actuator/canaries} answers.
   *
   * @param canaries every canary, in registration order
   */
  public record CanariesReport(List<CanaryDescriptor> canaries) {}

  /**
   * One canary.
   *
   * @param name its name
   * @param state its state, such as {@code PROGRESSING}
   * @param step the index of the step in force, -1 when none
   * @param weight the canary's share in percent
   * @param lastVerdict the summary of the judge's last verdict, empty when none
   */
  public record CanaryDescriptor(String name, String state, int step, double weight, String lastVerdict) {

    static CanaryDescriptor of(Canary canary) {
      return new CanaryDescriptor(canary.release().name(), canary.state().name(), canary.step(),
          canary.weight() / 100.0, canary.lastVerdictSummary() == null ? "" : canary.lastVerdictSummary());
    }
  }
}
