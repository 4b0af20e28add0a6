package dev.progressive.samples.restaurant.demo;

import dev.progressive.canary.Canary;
import dev.progressive.canary.event.VerdictReported;
import dev.progressive.release.GateStatus;
import dev.progressive.release.ReleaseActionException;
import dev.progressive.release.ReleaseConflictException;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.samples.restaurant.RestaurantProperties;
import dev.progressive.samples.restaurant.release.PricingRelease;
import dev.progressive.spring.canary.CanaryRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The demo: once the server listens, steady synthetic traffic to the service's own API over HTTP (menu searches by
 * regular and beta customers, quotes and orders by thousands of customers), so that flags are evaluated, both canaries
 * collect requests on both sides, the tax parallel run compares, and the menu is shadowed. Every
 * {@code restaurant.demo.report-interval} it logs one line: each canary's state, weight and last verdict, each
 * parallel run's match rate, and the share of the menu searches since the previous line that the new search served.
 *
 * <p>With the release plan {@code pricing-v2} on ({@code restaurant.release.enabled}, the default), the demo starts
 * the plan, one quote in {@code restaurant.release.tester-every} comes from a tester ({@code X-Canary-Cohort: canary}),
 * and the line shows the plan's state, stage and the evidence of its gate; once the plan is rolled back or completed,
 * the stage it ended at and what the last transition rested on.
 *
 * <p>On with {@code restaurant.demo.enabled=true} (the README's run command); off by default.
 */
@Component
@ConditionalOnProperty(name = "restaurant.demo.enabled", havingValue = "true")
public class DemoTraffic implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger("demo");
  private static final String[] RESTAURANTS = {"ajanta", "trattoria", "sakura"};
  private static final String[] QUERIES = {"", "spicy", "vegan", "chicken", "pizza", "sweet", "tuna roll", "naan"};
  private static final int CUSTOMERS = 5_000;

  private final RestaurantProperties.Demo settings;
  private final CanaryRegistry canaries;
  private final MeterRegistry meters;
  private final ReleasePlan plan;
  private final int testerEvery;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, VerdictReported> lastVerdicts = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private volatile ScheduledExecutorService executor;
  /** Under the report's lock: the count and time of the previous progress line. */
  private long lastSent;
  private long lastReport = System.nanoTime();
  /** Under the report's lock: the new search's evaluations, on and all, at the previous progress line. */
  private double lastSearchesOn;
  private double lastSearches;

  @Autowired
  DemoTraffic(RestaurantProperties properties, CanaryRegistry canaries, MeterRegistry meters,
      ObjectProvider<PricingRelease> release) {
    this(properties, canaries, meters, release.getIfAvailable() == null ? null : release.getObject().plan());
  }

  /** The demo without a release plan. */
  DemoTraffic(RestaurantProperties properties, CanaryRegistry canaries, MeterRegistry meters) {
    this(properties, canaries, meters, (ReleasePlan) null);
  }

  private DemoTraffic(RestaurantProperties properties, CanaryRegistry canaries, MeterRegistry meters,
      ReleasePlan plan) {
    this.settings = properties.getDemo();
    this.plan = plan;
    this.testerEvery = properties.getRelease().getTesterEvery();
    if (plan != null && testerEvery < 1) {
      throw new IllegalArgumentException("restaurant.release.tester-every must be at least 1, was " + testerEvery);
    }
    if (settings.getRate() < 1 || settings.getThreads() < 1) {
      throw new IllegalArgumentException("restaurant.demo.rate and restaurant.demo.threads must be at least 1, were "
          + settings.getRate() + " and " + settings.getThreads());
    }
    this.canaries = canaries;
    this.meters = meters;
  }

  @Override
  public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
    if (executor != null || event.getApplicationContext().getServerNamespace() != null) {
      return;
    }
    String base = "http://127.0.0.1:" + event.getWebServer().getPort();
    canaries.all().forEach((name, canary) -> subscriptions.add(canary.onVerdict(v -> lastVerdicts.put(name, v))));
    AtomicInteger threadNumber = new AtomicInteger();
    executor = Executors.newScheduledThreadPool(settings.getThreads() + 1, runnable -> {
      Thread thread = new Thread(runnable, "demo-traffic-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * settings.getThreads() / settings.getRate();
    for (int i = 0; i < settings.getThreads(); i++) {
      executor.scheduleAtFixedRate(() -> sendOne(base), i * periodNanos / settings.getThreads(), periodNanos,
          TimeUnit.NANOSECONDS);
    }
    long report = settings.getReportInterval().toMillis();
    executor.scheduleAtFixedRate(this::report, report, report, TimeUnit.MILLISECONDS);
    LOG.info("demo traffic: {} requests per second to {}; stop it with restaurant.demo.enabled=false",
        settings.getRate(), base);
    if (plan != null && plan.status().state() == ReleaseState.PENDING) {
      try {
        plan.start("demo", "the rules pricing engine is deployed dark; testers send X-Canary-Cohort: canary");
      } catch (ReleaseActionException | ReleaseConflictException e) {
        // another instance on the same store started it first
        LOG.info("demo: release {} was started elsewhere: {}", plan.name(), e.getMessage());
      }
    }
  }

  private void sendOne(String base) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int customer = random.nextInt(CUSTOMERS);
    String customerId = "customer-" + customer;
    String restaurant = RESTAURANTS[random.nextInt(RESTAURANTS.length)];
    HttpRequest request;
    int kind = random.nextInt(10);
    if (kind < 3) {
      String email = customerId + (customer % 10 == 0 ? "@beta.example.com" : "@example.com");
      String query = QUERIES[random.nextInt(QUERIES.length)].replace(" ", "+");
      request = HttpRequest.newBuilder(URI.create(base + "/restaurants/" + restaurant + "/menu?q=" + query
          + "&customer=" + customerId + "&email=" + email)).GET().timeout(Duration.ofSeconds(5)).build();
    } else {
      StringBuilder items = new StringBuilder();
      int lines = 1 + random.nextInt(4);
      for (int i = 0; i < lines; i++) {
        items.append(i == 0 ? "" : ",").append("{\"menuItemId\":\"").append(restaurant).append('-')
            .append(1 + random.nextInt(6)).append("\",\"quantity\":").append(1 + random.nextInt(4)).append('}');
      }
      String body = "{\"restaurantId\":\"" + restaurant + "\",\"customerId\":\"" + customerId + "\",\"items\":["
          + items + "],\"distanceKm\":" + String.format(Locale.ROOT, "%.1f", random.nextDouble(0.5, 12)) + "}";
      HttpRequest.Builder quote = HttpRequest.newBuilder(URI.create(base + (kind == 9 ? "/orders" : "/quotes")))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
          .timeout(Duration.ofSeconds(5));
      if (plan != null && customer % testerEvery == 0) {
        quote.header("X-Canary-Cohort", "canary");
      }
      request = quote.build();
    }
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      sent.incrementAndGet();
      if (response.statusCode() >= 400) {
        failed.incrementAndGet();
      }
    } catch (java.io.IOException e) {
      failed.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void report() {
    try {
      LOG.info(progressLine());
    } catch (RuntimeException e) {
      LOG.warn("demo: the progress line failed", e);
    }
  }

  /** The progress line: traffic, canaries, parallel runs and the new menu search's share. */
  synchronized String progressLine() {
    long total = sent.get();
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastReport) / 1e9);
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "%.0f req/s, %d failed", (total - lastSent) / seconds, failed.get()));
    lastSent = total;
    lastReport = now;
    if (plan != null) {
      line.append(" | ").append(describe(plan));
    }
    canaries.all().forEach((name, canary) -> line.append(" | canary ").append(describe(name, canary)));
    Map<String, Map<String, Double>> outcomes = new TreeMap<>();
    for (Meter meter : meters.find("progressive.parallelrun.comparisons").meters()) {
      outcomes.computeIfAbsent(meter.getId().getTag("experiment"), e -> new TreeMap<>())
          .merge(meter.getId().getTag("outcome"), count(meter), Double::sum);
    }
    outcomes.forEach((experiment, counts) -> {
      double all = counts.values().stream().mapToDouble(Double::doubleValue).sum();
      double match = counts.getOrDefault("match", 0.0);
      line.append(String.format(Locale.ROOT, " | parallel run %s: %.1f%% match of %d", experiment,
          all == 0 ? 0 : 100 * match / all, (long) all));
    });
    double on = 0;
    double all = 0;
    for (Meter meter : meters.find("progressive.toggle.evaluations").tag("feature_flag.key", "new-menu-search")
        .meters()) {
      double count = count(meter);
      all += count;
      if ("on".equals(meter.getId().getTag("feature_flag.result.variant"))) {
        on += count;
      }
    }
    // Since the previous line, not since the start: a rollout change shows in the next line, not after an hour.
    double searchesOn = on - lastSearchesOn;
    double searches = all - lastSearches;
    lastSearchesOn = on;
    lastSearches = all;
    if (searches > 0) {
      line.append(String.format(Locale.ROOT, " | new-menu-search on in %.0f%% of searches",
          100 * searchesOn / searches));
    } else {
      line.append(" | new-menu-search: no searches");
    }
    return line.toString();
  }

  /** A counter's count, whether it is a counter or a function counter. */
  private static double count(Meter meter) {
    double count = 0;
    for (Measurement measurement : meter.measure()) {
      if (measurement.getStatistic() == Statistic.COUNT) {
        count += measurement.getValue();
      }
    }
    return count;
  }

  /**
   * The plan: {@code release pricing-v2 RUNNING at verify (gate WAIT: 412 of 1000 comparisons, ...)}, or once final
   * {@code release pricing-v2 ROLLED_BACK at verify (stage 'verify' failed its gate | ...)}.
   */
  private static String describe(ReleasePlan plan) {
    ReleaseStatus status = plan.status();
    StringBuilder text = new StringBuilder("release ").append(plan.name()).append(' ').append(status.state());
    if (status.state() == ReleaseState.RUNNING || status.state() == ReleaseState.PAUSED) {
      text.append(" at ").append(status.stage());
      GateStatus gate = plan.gate();
      text.append(" (gate ").append(gate.result()).append(": ").append(abbreviate(gate.evidence())).append(')');
      if ("approval".equals(status.stage())) {
        text.append(", waiting for ops: POST /actuator/releases/").append(plan.name())
            .append(" {\"action\":\"approve\",\"reason\":\"...\"}");
      }
    } else {
      if (status.state().isFinal()) {
        text.append(" at ").append(status.stage());
      }
      if (!status.evidence().isEmpty()) {
        text.append(" (").append(abbreviate(status.evidence())).append(')');
      }
    }
    return text.toString();
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }

  private String describe(String name, Canary canary) {
    StringBuilder text = new StringBuilder(name).append(' ').append(canary.state()).append(' ')
        .append(String.format(Locale.ROOT, "%.0f%%", canary.weight() / 100.0));
    if (canary.step() >= 0) {
      text.append(" step ").append(canary.step() + 1).append('/').append(canary.release().steps().size());
    }
    VerdictReported look = lastVerdicts.get(name);
    if (canary.state().isFinal()) {
      String summary = canary.lastVerdictSummary();
      if (summary != null && !summary.isEmpty()) {
        text.append(" (").append(summary.length() > 100 ? summary.substring(0, 100) + "..." : summary).append(')');
      }
    } else if (look != null) {
      text.append(" (last look ").append(look.verdict().result()).append(", ")
          .append(look.verdict().canaryRequests()).append(" canary / ").append(look.verdict().baselineRequests())
          .append(" baseline requests)");
    }
    return text.toString();
  }

  @Override
  public void destroy() {
    ScheduledExecutorService running = executor;
    if (running != null) {
      running.shutdownNow();
    }
    for (AutoCloseable subscription : subscriptions) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.debug("closing a verdict subscription failed", e);
      }
    }
  }
}
