package dev.progressive.samples.plainjava;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.Metric;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.Mode;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.ClasspathSource;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/** Toggles, a canary and a parallel run, wired by hand with no Spring. Run it: it prints what happens. */
public final class PlainJavaSample {

  /** A price quote: what the old and the new pricing code both return. */
  record Quote(BigDecimal total, String currency, List<String> discounts) {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  static void run(PrintStream out) throws Exception {
    // 1. Toggles: flags in flagd's format from the class path, read by the native API and by OpenFeature.
    try (Toggles toggles = Toggles.builder().source(ClasspathSource.of("flags.json")).build()) {
      var beta = EvaluationContext.builder().targetingKey("ann").attribute("email", "ann@beta.example.com").build();
      var details = toggles.booleanDetails("new-checkout", beta, false);
      out.println("toggles: new-checkout for a beta tester is " + details.value() + " (" + details.reason() + ")");
      long on = IntStream.range(0, 1_000).filter(i -> toggles.isEnabled("new-checkout", EvaluationContext.builder()
          .targetingKey("user-" + i).attribute("email", i + "@example.com").build())).count();
      out.println("toggles: new-checkout is on for " + on + " of 1000 other users (a 25% fractional rollout)");

      OpenFeatureAPI openFeature = OpenFeatureAPI.getInstance();
      openFeature.setProviderAndWait("plain-java-sample", new ProgressiveProvider(toggles));
      Client client = openFeature.getClient("plain-java-sample");
      FlagEvaluationDetails<String> color = client.getStringDetails("button-color", "#000000",
          new MutableContext("bob").add("tier", "gold"));
      out.println("openfeature: button-color for a gold customer is " + color.getValue() + " (variant "
          + color.getVariant() + ", " + color.getReason() + ")");
      openFeature.shutdown();
    }

    // 2. A canary: 10%, then 50%, then promoted, judged on error rates. A clock moved by hand plays the minutes.
    //    The judge passes a step on evidence: with no errors at all, once the canary's error rate is shown below
    //    0.1%, which takes several thousand canary requests, hence 4,000 calls a minute.
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T09:00:00Z"));
    List<Runnable> analyses = new CopyOnWriteArrayList<>();
    CanaryScheduler byHand = (period, analysis) -> {
      analyses.add(analysis);
      return () -> analyses.remove(analysis);
    };
    CanaryRelease release = CanaryRelease.builder("pricing")
        .step(10, Duration.ofMinutes(5), 200).step(50, Duration.ofMinutes(5), 200)
        .metric(Metric.errorRate()).build();
    try (Toggles store = Toggles.builder().clock(clock).build();             // its in-memory store keeps the state
        Canary canary = Canary.builder(release, store).clock(clock).scheduler(byHand).build()) {
      canary.onTransition(t -> out.println("canary: " + t.action().tag() + " -> " + t.to() + " at " + t.toWeight() / 100
          + "% (" + t.reason() + ")"));
      canary.start("sample", "pricing v2 is deployed");
      out.println("canary: customer-7 is routed to " + canary.decide("customer-7") + ", the same on every call");
      for (int minute = 1; minute <= 30 && canary.state() == CanaryState.PROGRESSING; minute++) {
        for (int i = 0; i < 4_000; i++) {
          int items = 1 + i % 3;
          canary.call("customer-" + i, () -> legacyQuote(items), () -> newQuote(items));
        }
        clock.advance(Duration.ofMinutes(1));
        analyses.forEach(Runnable::run);
      }
      out.println("canary: pricing ends " + canary.state() + " at " + canary.weight() / 100 + "%");
    }

    // 3. A parallel run: the legacy code answers; the new code runs beside it, and every difference is reported.
    try (ParallelRunner runner = ParallelRunner.builder().build()) {
      Experiment<Integer, Quote, Quote> quotes = Experiment.<Integer, Quote, Quote>builder("quote", runner)
          .control(PlainJavaSample::legacyQuote)
          .candidate("rewrite", PlainJavaSample::newQuote)
          .mode(Mode.SEQUENTIAL)                                               // on this thread: output in order
          .build();
      for (int items : List.of(1, 3)) {
        out.println("parallel run: " + items + " item(s) cost " + quotes.run(items).total() + " (legacy's answer)");
      }
      quotes.recentMismatches().forEach(m -> m.differences().forEach(d ->
          out.println("parallel run: mismatch with " + m.candidateName() + " at " + d)));
    }
  }

  static Quote legacyQuote(int items) {
    return new Quote(new BigDecimal("10.00").multiply(BigDecimal.valueOf(items)), "EUR", List.of());
  }

  /** The rewrite gives 3 for the price of 2, which legacy does not: a real difference. */
  static Quote newQuote(int items) {
    int paid = items - items / 3;
    return new Quote(new BigDecimal("10.00").multiply(BigDecimal.valueOf(paid)), "EUR",
        items >= 3 ? List.of("3-for-2") : List.of());
  }

  /** A clock that moves only when told. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
