package dev.progressive.spring.release;

import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.release.Stage;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.InvalidChangeRequestException;
import dev.progressive.toggles.store.StoreUnavailableException;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
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
 * The {@code releases} actuator endpoint:
 *
 * <ul>
 *   <li>{@code GET /actuator/releases}: every plan with its state and stage.</li>
 *   <li>{@code GET /actuator/releases/{name}}: one plan, with its stages, the current gate's evidence and its
 *       latest transitions.</li>
 *   <li>{@code POST /actuator/releases/{name}} with {@code {"action": "approve"|"advance"|"pause"|"resume"|"abort",
 *       "reason": "...", "force": true|false}}: performs the action; the reason is required, {@code force} applies to
 *       advance only and is audited as {@code force_advance}.</li>
 * </ul>
 *
 * <p>Answers: 400 for a missing reason, an unknown action or {@code force} with another action; 403 when writes are
 * off or the request has no principal; 404 for an unknown plan; 409 for an action that does not fit the plan's stage
 * or state (naming the stage), and for an action that lost to a concurrent one (with the plan's state); 503 when the
 * store cannot be written. In every refusal nothing was written. The actor is the authenticated principal's name.
 */
@Endpoint(id = "releases")
public class ReleasesEndpoint {

  /** How many of a plan's latest transitions its single read shows. */
  public static final int HISTORY_LIMIT = 100;

  /** The actor when no principal is known (writes then need {@code allow-unsecured-writes}). */
  public static final String ANONYMOUS = "anonymous";

  static final String WRITES_OFF = "Actions through the actuator are off because Spring Security is not on the "
      + "classpath; add spring-boot-starter-security, or set progressive.security.allow-unsecured-writes=true";
  static final String NO_PRINCIPAL = "Actions need an authenticated principal; this request has none";

  private final ReleaseRegistry registry;
  private final boolean writesEnabled;
  private final boolean principalRequired;

  /**
   * Creates the endpoint.
   *
   * @param registry the plans it shows and acts on
   * @param writesEnabled whether actions are allowed; when false they answer 403 and change nothing
   * @param principalRequired whether an action needs an authenticated principal (so that an action through a way
   *     that Spring Security does not guard, such as JMX, is refused with 403)
   */
  public ReleasesEndpoint(ReleaseRegistry registry, boolean writesEnabled, boolean principalRequired) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.writesEnabled = writesEnabled;
    this.principalRequired = principalRequired;
  }

  /** Every plan: the configured ones, then the beans. */
  @ReadOperation
  public ReleasesReport releases() {
    return new ReleasesReport(registry.all().values().stream().map(ReleasesEndpoint::summary).toList());
  }

  /** One plan with its stages, gate and history, or 404. */
  @ReadOperation
  public WebEndpointResponse<Object> release(@Selector String name) {
    return registry.find(name)
        .<WebEndpointResponse<Object>>map(p -> new WebEndpointResponse<>(describe(p)))
        .orElseGet(() -> unknown(name));
  }

  /**
   * Performs an action on one plan.
   *
   * @param name the plan
   * @param action {@code approve}, {@code advance}, {@code pause}, {@code resume} or {@code abort}
   * @param reason why, for the audit; required
   * @param force for advance: past a gate that has not passed, audited as such
   * @param securityContext who asks
   * @return the plan after the action, or an error
   */
  @WriteOperation
  public WebEndpointResponse<Object> act(@Selector String name, @Nullable String action, @Nullable String reason,
      @Nullable Boolean force, SecurityContext securityContext) {
    if (!writesEnabled) {
      return error(403, WRITES_OFF, name, null);
    }
    String actor = actor(securityContext);
    if (principalRequired && actor.equals(ANONYMOUS)) {
      return error(403, NO_PRINCIPAL, name, null);
    }
    Optional<ReleasePlan> found = registry.find(name);
    if (found.isEmpty()) {
      return unknown(name);
    }
    ReleasePlan plan = found.get();
    String verb = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
    if (!List.of("approve", "advance", "pause", "resume", "abort").contains(verb)) {
      return error(400, "\"action\" must be approve, advance, pause, resume or abort, was "
          + (action == null ? "absent" : "\"" + quote(action) + "\""), name, "action");
    }
    if (reason == null || reason.isBlank()) {
      return error(400, "\"reason\" is required: say why, for the audit", name, "reason");
    }
    if (force != null && !verb.equals("advance")) {
      return error(400, "\"force\" applies to advance only, not to " + verb, name, "force");
    }
    try {
      switch (verb) {
        case "approve" -> plan.approve(actor, reason);
        case "advance" -> plan.advance(actor, reason, Boolean.TRUE.equals(force));
        case "pause" -> plan.pause(actor, reason);
        case "resume" -> plan.resume(actor, reason);
        default -> plan.abort(actor, reason);
      }
    } catch (ReleaseActionException e) {
      Map<String, Object> body = body(e.getMessage(), name, null);
      body.put("stage", e.status().stage());
      body.put("state", e.status().state().name());
      body.put("current", status(e.status()));
      return new WebEndpointResponse<>(body, 409);
    } catch (ReleaseConflictException e) {
      Map<String, Object> body = body(e.getMessage(), name, null);
      body.put("stage", e.current().stage());
      body.put("state", e.current().state().name());
      body.put("current", status(e.current()));
      body.put("storeVersion", e.storeVersion());
      return new WebEndpointResponse<>(body, 409);
    } catch (StoreUnavailableException e) {
      return error(503, "The store cannot be written now; nothing changed: " + e.getMessage(), name, null);
    } catch (InvalidChangeRequestException e) {
      return error(400, e.getMessage(), name, "reason");
    } catch (IllegalStateException e) {
      // a plan whose stored stage is beyond its stages (redefined while running): only abort works
      return error(409, e.getMessage(), name, null);
    }
    return new WebEndpointResponse<>(describe(plan));
  }

  private static ReleaseSummary summary(ReleasePlan plan) {
    ReleaseStatus s = plan.status();
    // a guarded feature rollout drives a flag, not a canary: its summary names no canary
    String canary = plan.canary() == null ? null : plan.canary().release().name();
    return new ReleaseSummary(plan.name(), canary, s.state().name(), s.stage(),
        s.stageIndex(), s.stageStartedAt(), s.evidence(), s.oldImplementationRemovable(), s.version());
  }

  private static ReleaseDescriptor describe(ReleasePlan plan) {
    ReleaseStatus s = plan.status();
    List<StageDescriptor> stages = new ArrayList<>();
    for (int i = 0; i < plan.stages().size(); i++) {
      stages.add(StageDescriptor.of(plan.stages().get(i), i == s.stageIndex()));
    }
    GateStatus gate = plan.gate();
    List<AuditEntry> entries;
    boolean stale = false;
    try {
      entries = plan.history(Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE), Integer.MAX_VALUE);
    } catch (StoreUnavailableException e) {
      entries = e.knownHistory();
      stale = true;
    }
    List<TransitionDescriptor> history = entries.subList(Math.max(0, entries.size() - HISTORY_LIMIT),
        entries.size()).stream().map(TransitionDescriptor::of).toList();
    return new ReleaseDescriptor(summary(plan), plan.driving(), stages,
        new GateDescriptor(gate.result().name(), gate.evidence()), history, stale);
  }

  private static Map<String, Object> status(ReleaseStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state().name());
    m.put("stage", s.stage());
    m.put("stageIndex", s.stageIndex());
    m.put("evidence", s.evidence());
    m.put("version", s.version());
    return m;
  }

  private static String actor(SecurityContext securityContext) {
    Principal principal = securityContext == null ? null : securityContext.getPrincipal();
    if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
      return ANONYMOUS;
    }
    return principal.getName();
  }

  private static String quote(String value) {
    String cut = value.length() > 60 ? value.substring(0, 60) + "…" : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static WebEndpointResponse<Object> unknown(String name) {
    return error(404, "No release plan '" + name + "'", name, null);
  }

  private static WebEndpointResponse<Object> error(int status, String message, String name, String field) {
    return new WebEndpointResponse<>(body(message, name, field), status);
  }

  private static Map<String, Object> body(String message, String name, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message == null ? "" : message);
    body.put("name", name);
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }

  /**
   * What {@code GET /actuator/releases} answers.
   *
   * @param releases every plan
   */
  public record ReleasesReport(List<ReleaseSummary> releases) {}

  /**
   * One plan's state as this instance last read it.
   *
   * @param name the plan
   * @param canary the canary it drives, or null for a guarded feature rollout (which drives a flag)
   * @param state PENDING, RUNNING, PAUSED, COMPLETED or ROLLED_BACK
   * @param stage the current stage's name, {@code none} before the start
   * @param stageIndex its index, -1 before the start
   * @param stageStartedAt when it was entered
   * @param evidence what the last transition rested on
   * @param oldImplementationRemovable whether the plan completed: the old implementation can be removed
   * @param version the stored version
   */
  public record ReleaseSummary(String name, String canary, String state, String stage, int stageIndex,
      Instant stageStartedAt, String evidence, boolean oldImplementationRemovable, long version) {}

  /**
   * One plan in full.
   *
   * @param status its state
   * @param driving whether this instance held the driver lease at its last look
   * @param stages every stage, in order, with its gate's settings
   * @param gate the current stage's gate, checked now from the fleet's counts
   * @param history the latest {@value #HISTORY_LIMIT} transitions, oldest first
   * @param historyStale whether {@code history} is only what this instance knows, the store being unreachable
   */
  public record ReleaseDescriptor(ReleaseSummary status, boolean driving, List<StageDescriptor> stages,
      GateDescriptor gate, List<TransitionDescriptor> history, boolean historyStale) {}

  /**
   * A gate's result and evidence.
   *
   * @param result PASS, WAIT or FAIL
   * @param evidence what it rests on, in plain words
   */
  public record GateDescriptor(String result, String evidence) {}

  /**
   * One stage and its gate's settings; settings that do not apply to its kind are null.
   *
   * @param name the stage's name
   * @param kind dark, preview, verify, canary, approval, switch or retire
   * @param current whether the plan is at this stage
   * @param manualGate whether the gate waits for a person
   * @param minSuccessfulCalls dark and preview
   * @param failAboveErrorRate dark and preview: the fleet's explicit-call error rate above which the plan rolls back
   * @param minCallsToJudge dark and preview: the explicit calls before that rate is judged
   * @param experiment verify: the experiment's name, or the HTTP shadow's route
   * @param comparisons verify: what compares, as the gate's evidence names it ({@code experiment 'pricing'},
   *     {@code HTTP shadow route 'menu'})
   * @param minComparisons verify
   * @param minMatchRate verify
   * @param window verify, ISO-8601
   * @param failAboveMismatchRate verify
   * @param noise verify: the outcomes counted neither way
   * @param keepOld switch, ISO-8601
   * @param quietPeriod retire, ISO-8601
   * @param removeFlags retire: whether the plan's flag is removed from the store once the old implementation can be
   */
  public record StageDescriptor(String name, String kind, boolean current, boolean manualGate,
      Long minSuccessfulCalls, Double failAboveErrorRate, Long minCallsToJudge, String experiment, String comparisons, Long minComparisons, Double minMatchRate,
      String window, Double failAboveMismatchRate, List<String> noise, String keepOld, String quietPeriod,
      Boolean removeFlags) {
    static StageDescriptor of(Stage s, boolean current) {
      boolean dark = s.kind() == dev.progressive.release.StageKind.DARK
          || s.kind() == dev.progressive.release.StageKind.PREVIEW;
      boolean verify = s.kind() == dev.progressive.release.StageKind.VERIFY;
      return new StageDescriptor(s.name(), s.kind().label(), current, s.manualGate(),
          dark ? s.minSuccessfulCalls() : null, dark ? s.failAboveErrorRate() : null,
          dark ? s.minCallsToJudge() : null, verify ? s.experiment() : null,
          verify ? s.comparisons().name() : null, verify ? s.minComparisons() : null, verify ? s.minMatchRate() : null,
          verify ? s.window().toString() : null, verify ? s.failAboveMismatchRate() : null,
          verify ? s.noise().stream().map(Enum::name).sorted().toList() : null,
          s.kind() == dev.progressive.release.StageKind.SWITCH ? s.keepOld().toString() : null,
          s.kind() == dev.progressive.release.StageKind.RETIRE ? s.quietPeriod().toString() : null,
          s.kind() == dev.progressive.release.StageKind.RETIRE ? s.removeFlags() : null);
    }
  }

  /**
   * One transition, from the audit of the plan's flag.
   *
   * @param at when
   * @param action start, advance, force_advance, approve, pause, resume, abort, rollback, complete (or define)
   * @param actor who ({@code release-driver} for automatic transitions)
   * @param reason the audit's reason without its {@code [release <action>]} prefix: the stages, the reason and the
   *     evidence
   */
  public record TransitionDescriptor(Instant at, String action, String actor, String reason) {
    static TransitionDescriptor of(AuditEntry e) {
      String reason = e.reason() == null ? "" : e.reason();
      String action = e.action();
      if (reason.startsWith("[release ") && reason.indexOf(']') > 0) {
        action = reason.substring("[release ".length(), reason.indexOf(']'));
        reason = reason.substring(reason.indexOf(']') + 1).strip();
      }
      return new TransitionDescriptor(e.at(), action, e.actor(), reason);
    }
  }
}
