package dev.progressive.samples.restaurant.knobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /knobs} shows the faults injected into the new versions; {@code POST /knobs/{name}} with
 * {@code {"errorRate": 0.3, "latencyMillis": 50}} changes one (a missing field keeps its value). Writes need the
 * {@code ops} user. A rate outside [0, 1], a latency outside [0, 30,000] ms, a value that is not a number or an
 * unknown field is refused with a 400 that names the field, and the knob keeps its setting.
 */
@RestController
public class KnobsController {

  private static final Set<String> FIELDS = Set.of("errorRate", "latencyMillis");

  private final Knobs knobs;

  KnobsController(Knobs knobs) {
    this.knobs = knobs;
  }

  @GetMapping("/knobs")
  Map<String, Map<String, Object>> all() {
    Map<String, Map<String, Object>> body = new LinkedHashMap<>();
    knobs.all().forEach((name, setting) -> body.put(name, describe(setting)));
    return body;
  }

  @PostMapping("/knobs/{name}")
  ResponseEntity<Map<String, Object>> set(@PathVariable String name, @RequestBody Map<String, Object> body) {
    try {
      Knobs.Setting current = knobs.get(name);
      for (String field : body.keySet()) {
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException("unknown field \"" + field + "\"; the fields are errorRate and "
              + "latencyMillis");
        }
      }
      double errorRate = number(body, "errorRate", current.errorRate());
      double latencyMillis = number(body, "latencyMillis", current.latency().toMillis());
      long maxMillis = Knobs.MAX_LATENCY.toMillis();
      if (!(latencyMillis >= 0 && latencyMillis <= maxMillis)) {
        throw new IllegalArgumentException("\"latencyMillis\" must be from 0 to " + maxMillis + ", was "
            + body.get("latencyMillis"));
      }
      Knobs.Setting setting = knobs.set(name, errorRate, Duration.ofMillis(Math.round(latencyMillis)));
      return ResponseEntity.ok(describe(setting));
    } catch (IllegalArgumentException e) {
      return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }
  }

  private static double number(Map<String, Object> body, String field, double current) {
    Object value = body.get(field);
    if (value == null) {
      return current;
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    throw new IllegalArgumentException("\"" + field + "\" must be a number, was " + value);
  }

  private static Map<String, Object> describe(Knobs.Setting setting) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errorRate", setting.errorRate());
    body.put("latencyMillis", setting.latency().toMillis());
    return body;
  }
}
