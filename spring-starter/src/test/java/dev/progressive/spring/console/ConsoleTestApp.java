package dev.progressive.spring.console;

import dev.progressive.canary.Canary;
import dev.progressive.canary.Cohort;
import dev.progressive.canary.CallOutcome;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.ChangeRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application of the console's tests: an {@code ops} user who may change things and a {@code viewer} who may
 * not, flags (one of them with markup in its key, and a change whose reason is markup), canaries, a parallel run with
 * mismatches and an HTTP route for shadowing.
 *
 * <p>A Spring Boot application without component scanning: scanning this package would also find the starter's own
 * nested configuration classes, which must come only through auto-configuration, in its order.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ConsoleTestApp.Orders.class)
public class ConsoleTestApp {

  static final String OPS = "ops";
  static final String VIEWER = "viewer";
  static final String PASSWORD = "console-secret";

  /** A flag key that is markup: shown as text, it must never become an element or run. */
  static final String HTML_KEY = "<img src=x onerror=\"window.__xss='key'\">";

  /** A reason that is markup, given to a change of {@link #HTML_KEY} at startup. */
  static final String HTML_REASON = "<script>window.__xss='reason'</script><img src=x onerror=\"window.__xss='img'\">";

  /** The experiment whose mismatches the console shows. */
  static final String EXPERIMENT = "pricing";

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername(OPS).password("{noop}" + PASSWORD).roles("PROGRESSIVE_ADMIN").build(),
        User.withUsername(VIEWER).password("{noop}" + PASSWORD).roles("USER").build());
  }

  /** Prices a cart; the candidate gets the third item's price wrong and names the currency differently. */
  @Bean
  Experiment<Integer, Map<String, Object>, Map<String, Object>> pricingExperiment(ParallelRunner runner) {
    return Experiment.<Integer, Map<String, Object>, Map<String, Object>>builder(EXPERIMENT, runner)
        .control(cart -> price(cart, false))
        .candidate("rewrite", cart -> price(cart, cart % 3 == 0))
        .mode(Mode.SEQUENTIAL)
        .build();
  }

  private static Map<String, Object> price(int cart, boolean wrong) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cart", cart);
    result.put("items", List.of(Map.of("sku", "A-1", "price", 10), Map.of("sku", "B-2", "price", 5),
        Map.of("sku", "C-3", "price", wrong ? 8 : 7)));
    result.put("currency", wrong ? "eur" : "EUR");
    return result;
  }

  /** What the tests find at startup: a reason that is markup, a canary step, traffic for the judge, mismatches. */
  @Bean
  ApplicationRunner consoleFixtures(Toggles toggles, ObjectProvider<CanaryRegistry> canaries,
      Experiment<Integer, Map<String, Object>, Map<String, Object>> pricing) {
    return args -> {
      toggles.admin().setState(HTML_KEY, false, ChangeRequest.of("release-bot", HTML_REASON,
          toggles.admin().flag(HTML_KEY).orElseThrow().version()));
      for (int cart = 1; cart <= 30; cart++) {
        pricing.run(cart);
      }
      CanaryRegistry registry = canaries.getIfAvailable();
      Canary checkout = registry == null ? null : registry.find("checkout-v2").orElse(null);
      if (checkout != null) {
        checkout.promote("release-bot", "error budget fine after the first hour", false);
        // The same latencies on both sides: the judge finds no regression, and holds until the step is long enough.
        Random random = new Random(42);
        for (int i = 0; i < 400; i++) {
          Duration latency = Duration.ofMillis(20 + random.nextInt(30));
          CallOutcome outcome = i % 50 == 0 ? CallOutcome.ERROR : CallOutcome.SUCCESS;
          checkout.record(Cohort.BASELINE, latency, outcome);
          checkout.record(Cohort.CANARY, latency, outcome);
        }
      }
    };
  }

  /** The route that HTTP shadowing replays against the candidate and the secondary. */
  @RestController
  static class Orders {
    @GetMapping("/orders/{id}")
    Map<String, Object> order(@PathVariable String id) {
      return Map.of("id", id, "total", 10, "requestId", UUID.randomUUID().toString());
    }
  }
}
