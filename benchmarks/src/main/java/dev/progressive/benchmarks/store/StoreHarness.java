package dev.progressive.benchmarks.store;

import dev.progressive.testing.postgres.PostgresProxy;
import dev.progressive.testing.postgres.TestPostgres;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Measures the shared store against a real PostgreSQL, with two independent stacks (each a {@link Toggles} with its
 * own {@link JdbcFlagStore} and connections) on one database, as two instances of a service would be.
 *
 * <ul>
 *   <li>{@code propagation [count] [notify|poll] [pollMillis]}: a write on instance A, timed until instance B's
 *       snapshot has it, one write after the other; prints p50, p95, p99 and max.</li>
 *   <li>{@code outage [seconds]}: instance B reaches the database through a loopback proxy, which is cut for the
 *       given time (default 30 s) while a thread evaluates flags on B without pause; a change is written by A during
 *       the outage. Prints the evaluations, the failed ones, the time until B reports STALE (its store DOWN), and
 *       the time from the restore until B is UP with the change.</li>
 * </ul>
 *
 * <p>It needs {@code PROGRESSIVE_TEST_PG_URL}, {@code _USER} and {@code _PASSWORD} (as {@code .ci/run} exports) or a
 * non-root user (embedded PostgreSQL). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.progressive.benchmarks.store.StoreHarness propagation 300 notify}
 */
public final class StoreHarness {

  private static final String FLAGS = """
      {"flags": {"color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "blue"},
                 "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}""";

  private StoreHarness() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "propagation";
    try (TestPostgres.Database db = TestPostgres.server().createDatabase()) {
      switch (what) {
        case "propagation" -> propagation(db.dataSource(), args.length > 1 ? Integer.parseInt(args[1]) : 300,
            args.length > 2 ? args[2] : "notify", args.length > 3 ? Long.parseLong(args[3]) : 5_000);
        case "outage" -> outage(db, args.length > 1 ? Integer.parseInt(args[1]) : 30);
        default -> throw new IllegalArgumentException("usage: propagation [count] [notify|poll] [pollMillis] | "
            + "outage [seconds]");
      }
    }
    System.exit(0);
  }

  private static Toggles instance(DataSource db, boolean listen, Duration poll) {
    JdbcFlagStore store = JdbcFlagStore.builder(db).listenNotify(listen).pollInterval(poll)
        .retryWait(Duration.ofMillis(50)).circuitOpenWait(Duration.ofSeconds(1)).reconnectMax(Duration.ofSeconds(1))
        .build();
    return Toggles.builder().source(InMemorySource.of(FLAGS)).store(store).build();
  }

  static void propagation(DataSource db, int count, String mode, long pollMillis) throws Exception {
    boolean listen = mode.equals("notify");
    // With NOTIFY the poll is only the safety net; it is set far out so that it cannot help the figures.
    Duration poll = listen ? Duration.ofMinutes(10) : Duration.ofMillis(pollMillis);
    try (Toggles a = instance(db, listen, poll); Toggles b = instance(db, listen, poll)) {
      BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
      b.onChange(changed -> arrivals.add(System.nanoTime()));
      if (listen) {
        Thread.sleep(1_000); // let B open its LISTEN connection
      }
      for (int warm = 0; warm < 20; warm++) {
        write(a, warm);
        arrivals.poll(30, TimeUnit.SECONDS);
      }
      List<Double> millis = new ArrayList<>();
      java.util.Random random = new java.util.Random(42);
      for (int i = 20; i < count + 20; i++) {
        String expected = i % 2 == 0 ? "#f00" : "#00f";
        if (!listen) {
          // Writes land at random points of the poll interval, as ops' changes do, not right after a poll.
          Thread.sleep(random.nextInt((int) pollMillis));
        }
        long start = System.nanoTime();
        write(a, i);
        Long arrived = arrivals.poll(60, TimeUnit.SECONDS);
        if (arrived == null || !b.stringValue("color", EvaluationContext.empty(), "?").equals(expected)) {
          throw new IllegalStateException("change " + i + " did not reach B");
        }
        millis.add((arrived - start) / 1e6);
      }
      Collections.sort(millis);
      System.out.printf(Locale.ROOT, "propagation mode=%s poll=%s changes=%d p50=%.1f ms p95=%.1f ms p99=%.1f ms "
          + "max=%.1f ms%n", mode, listen ? "(safety net only)" : poll.toMillis() + " ms", millis.size(),
          pct(millis, 50), pct(millis, 95), pct(millis, 99), millis.get(millis.size() - 1));
    }
  }

  private static void write(Toggles a, int i) {
    long version = a.admin().flag("color").orElseThrow().version();
    a.admin().setDefaultVariant("color", i % 2 == 0 ? "red" : "blue", ChangeRequest.of("harness", "change " + i,
        version));
  }

  static void outage(TestPostgres.Database db, int seconds) throws Exception {
    try (PostgresProxy proxy = PostgresProxy.to(db);
        Toggles a = instance(db.dataSource(), true, Duration.ofSeconds(5));
        Toggles b = instance(proxy.dataSource(), true, Duration.ofSeconds(1))) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong evaluations = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Thread load = new Thread(() -> {
        while (running.get()) {
          try {
            if (!b.isEnabled("new-menu")) {
              failed.incrementAndGet();
            }
          } catch (RuntimeException e) {
            failed.incrementAndGet();
          }
          evaluations.incrementAndGet();
        }
      }, "evaluation-load");
      load.start();
      Thread.sleep(1_000);

      long cut = System.nanoTime();
      proxy.cut();
      while (b.isHealthy()) {
        Thread.sleep(5);
      }
      long stale = System.nanoTime();
      write(a, 1); // a change B must not miss
      Thread.sleep(Math.max(0, seconds * 1000L - (stale - cut) / 1_000_000));
      long restore = System.nanoTime();
      proxy.restore();
      while (!(b.isHealthy() && b.stringValue("color", EvaluationContext.empty(), "?").equals("#00f"))) {
        Thread.sleep(5);
      }
      long resynced = System.nanoTime();
      running.set(false);
      load.join();
      SourceHealth store = b.health().get(b.health().size() - 1);
      System.out.printf(Locale.ROOT, "outage seconds=%d evaluations=%d failed=%d time-to-stale=%.0f ms "
          + "time-to-resync=%.0f ms store=%s%n", seconds, evaluations.get(), failed.get(), (stale - cut) / 1e6,
          (resynced - restore) / 1e6, store.status());
    }
  }

  private static double pct(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
