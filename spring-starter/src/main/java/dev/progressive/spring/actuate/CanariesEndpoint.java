package dev.progressive.spring.actuate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.StoreUnavailableException;
import dev.progressive.toggles.store.VersionConflictException;
import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li>{@code GET /actuator/canaries/{name}}: one canary, with its latest transitions.</li>
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

  /** How many of a canary's latest transitions its single read shows. */
  public static final int HISTORY_LIMIT = 100;

  private final CanaryRegistry registry;
  private final boolean writesEnabled;
  private final boolean principalRequired;
  /** The latest look of the judge at each canary on this instance. */
  private final Map<String, VerdictReported> latestVerdicts = new ConcurrentHashMap<>();

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
    for (Canary canary : registry.all().values()) {
      canary.onVerdict(event -> latestVerdicts.put(event.canary(), event));
    }
  }

  /** Every canary, in registration order. */
  @ReadOperation
  public CanariesReport canaries() {
    return new CanariesReport(registry.all().values().stream().map(c -> describe(c, false)).toList());
  }

  /** One canary, or 404. */
  @ReadOperation
  public WebEndpointResponse<Object> canary(@Selector String name) {
    return registry.find(name)
        .<WebEndpointResponse<Object>>map(c -> new WebEndpointResponse<>(describe(c, true)))
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
    return new WebEndpointResponse<>(describe(canary, true));
  }

  private CanaryDescriptor describe(Canary canary, boolean withHistory) {
    String name = canary.release().name();
    List<Double> steps = canary.release().steps().stream().map(CanaryRelease.Step::percent).toList();
    VerdictReported latest = latestVerdicts.get(name);
    List<TransitionDescriptor> history = null;
    Boolean historyStale = null;
    if (withHistory) {
      List<AuditEntry> entries;
      try {
        entries = canary.history(Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE), Integer.MAX_VALUE);
        historyStale = false;
      } catch (StoreUnavailableException e) {
        entries = e.knownHistory(); // what this instance knows, within the store's time budget
        historyStale = true;
      }
      history = entries.subList(Math.max(0, entries.size() - HISTORY_LIMIT), entries.size()).stream()
          .map(TransitionDescriptor::of).toList();
    }
    return new CanaryDescriptor(name, canary.state().name(), canary.step(), canary.weight() / 100.0,
        canary.lastVerdictSummary() == null ? "" : canary.lastVerdictSummary(), canary.awaitingOperator(), steps,
        latest == null ? null : VerdictDescriptor.of(latest), history, historyStale);
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
   * @param lastVerdict the summary of the verdict behind the last automatic transition, empty when none
   * @param awaitingOperator whether the controller paused the canary to wait for a person: a step stayed
   *     inconclusive past its limit and the canary waits for promote, resume or abort
   * @param steps the weights of the release's steps, in percent
   * @param latestVerdict the judge's latest look at this canary on this instance, with every metric's statistics
   *     (also a look that held the weight), or null before the first; in a fleet sharing a fleet store, only the
   *     instance holding the analysis lease judges
   * @param history the canary's latest {@value #HISTORY_LIMIT} transitions, oldest first (single canary only); while
   *     the store cannot be read, those this instance knows
   * @param historyStale whether {@code history} is only what this instance knows, because the store could not be
   *     read in time (single canary only; null otherwise)
   */
  public record CanaryDescriptor(String name, String state, int step, double weight, String lastVerdict,
      boolean awaitingOperator, List<Double> steps, VerdictDescriptor latestVerdict,
      List<TransitionDescriptor> history, Boolean historyStale) {}

  /**
   * One look of the judge.
   *
   * @param result PASS, FAIL or INCONCLUSIVE
   * @param at when the judge looked
   * @param step the step judged
   * @param action what the controller did or, in a dry run, would do: advance, promote, rollback, hold or
   *     wait-for-operator
   * @param dryRun whether the canary is in dry run
   * @param baselineRequests requests the baseline served in the step's window
   * @param canaryRequests requests the canary served in the step's window
   * @param summary why, in plain words
   * @param metrics each metric's comparison
   */
  public record VerdictDescriptor(String result, Instant at, int step, String action, boolean dryRun,
      long baselineRequests, long canaryRequests, String summary, List<MetricDescriptor> metrics) {
    static VerdictDescriptor of(VerdictReported event) {
      Verdict v = event.verdict();
      return new VerdictDescriptor(v.result().name(), v.at(), event.step(), event.wouldDo().tag(), event.dryRun(),
          v.baselineRequests(), v.canaryRequests(), v.summary(),
          v.metrics().stream().map(MetricDescriptor::of).toList());
    }
  }

  /**
   * One metric's comparison in a look of the judge. Numbers that are undefined (no data) are null.
   *
   * @param metric the metric's name, such as {@code error rate} or {@code p99 latency}
   * @param result PASS, FAIL or INCONCLUSIVE
   * @param baseline the baseline's value (error rate as a fraction, latencies in milliseconds)
   * @param canary the canary's value
   * @param relativeChange (canary - baseline) / baseline
   * @param ciLow lower end of the confidence interval of the relative change
   * @param ciHigh upper end of the confidence interval of the relative change
   * @param allowedChange the relative change the metric allows
   * @param reason what this means, in plain words
   */
  public record MetricDescriptor(String metric, String result, Double baseline, Double canary,
      Double relativeChange, Double ciLow, Double ciHigh, double allowedChange, String reason) {
    static MetricDescriptor of(Verdict.MetricResult m) {
      return new MetricDescriptor(m.metric().name(), m.result().name(), finite(m.baseline()), finite(m.canary()),
          finite(m.relativeChange()), finite(m.ciLow()), finite(m.ciHigh()), m.metric().allowedChange(),
          m.reason());
    }

    private static Double finite(double value) {
      return Double.isFinite(value) ? value : null;
    }
  }

  /**
   * One transition of a canary, from the audit of its flag.
   *
   * @param at when
   * @param action what was done: define, start, advance, promote, pause, resume, abort, rollback or
   *     wait-for-operator
   * @param actor who did it ({@value Canary#CONTROLLER} for the controller)
   * @param reason why, without the {@code [canary <action>]} prefix (for the controller: the verdict's summary)
   * @param state the state after
   * @param step the step after, -1 when none
   * @param weight the weight after, in percent
   */
  public record TransitionDescriptor(Instant at, String action, String actor, String reason, String state, int step,
      double weight) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static TransitionDescriptor of(AuditEntry e) {
      String reason = e.reason() == null ? "" : e.reason();
      String action = e.action();
      if (reason.startsWith("[canary ") && reason.indexOf(']') > 0) {
        action = reason.substring("[canary ".length(), reason.indexOf(']'));
        reason = reason.substring(reason.indexOf(']') + 1).strip();
      }
      String state = "";
      int step = -1;
      double weight = 0;
      if (e.after() != null) {
        try {
          JsonNode metadata = JSON.readTree(e.after()).path("metadata");
          state = metadata.path("canaryState").asText("");
          step = metadata.path("canaryStep").asInt(-1);
          weight = metadata.path("canaryWeightPercent").asDouble(0);
        } catch (IOException | RuntimeException ex) {
          state = "";
        }
      }
      return new TransitionDescriptor(e.at(), action, e.actor(), reason, state, step, weight);
    }
  }
}
