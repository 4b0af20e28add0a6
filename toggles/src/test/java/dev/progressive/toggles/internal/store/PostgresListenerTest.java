package dev.progressive.toggles.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The LISTEN loop's backoff and what it tells the store, without a database and without waiting: the connections
 * are scripted, and the waits between attempts are recorded instead of waited.
 */
class PostgresListenerTest {

  /** What one attempt to connect does. */
  private enum Attempt { REFUSED, LISTENS_THEN_DROPS, NOT_POSTGRES }

  private final List<String> events = new ArrayList<>();
  private final List<Duration> waits = new ArrayList<>();

  private PostgresListener listener(Duration reconnectMax, int maxWaits, Attempt... script) {
    Deque<Attempt> attempts = new ArrayDeque<>(List.of(script));
    PostgresListener[] self = new PostgresListener[1];
    PostgresListener.Events told = new PostgresListener.Events() {
      @Override
      public void notified() {
        events.add("notified");
      }

      @Override
      public void lost(Exception cause) {
        events.add("lost: " + cause.getMessage());
      }

      @Override
      public void reopened() {
        events.add("reopened");
      }
    };
    self[0] = new PostgresListener("test", () -> {
      Attempt a = attempts.isEmpty() ? Attempt.REFUSED : attempts.poll();
      return switch (a) {
        case REFUSED -> throw new SQLTransientConnectionException("FATAL: sorry, too many clients already\ndetail",
            "53300");
        case LISTENS_THEN_DROPS -> connection("PostgreSQL", true);
        case NOT_POSTGRES -> connection("H2", false);
      };
    }, "chan", Duration.ofSeconds(1), reconnectMax, told, wait -> {
      waits.add(wait);
      events.add("unavailable: " + self[0].unavailableBecause());
      return waits.size() < maxWaits;
    });
    return self[0];
  }

  @Test
  void waitsGrowExponentiallyFrom100MillisUpToTheMaximum() {
    listener(Duration.ofSeconds(2), 8).loop();

    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(800), Duration.ofMillis(1600), Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  @Test
  void aMaximumBelow100MillisBoundsEveryWait() {
    listener(Duration.ofMillis(30), 3).loop();

    assertThat(waits).containsOnly(Duration.ofMillis(30)).hasSize(3);
  }

  @Test
  void theStoreHearsOfEachSpellWithoutListenOnceAndOfTheReopeningAndTheBackoffStartsAgainAfterASuccess() {
    PostgresListener l = listener(Duration.ofSeconds(2), 6, Attempt.REFUSED, Attempt.REFUSED, Attempt.REFUSED,
        Attempt.LISTENS_THEN_DROPS, Attempt.REFUSED);
    l.loop();

    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(events).containsExactly(
        "lost: FATAL: sorry, too many clients already\ndetail",
        "unavailable: FATAL: sorry, too many clients already",
        "unavailable: FATAL: sorry, too many clients already",
        "unavailable: FATAL: sorry, too many clients already",
        "reopened",
        "lost: the connection dropped",
        "unavailable: the connection dropped",
        "unavailable: FATAL: sorry, too many clients already",
        "unavailable: FATAL: sorry, too many clients already");
    assertThat(l.isListening()).isFalse();
  }

  @Test
  void aDatabaseOtherThanPostgresIsPolledWithoutANotice() {
    PostgresListener l = listener(Duration.ofSeconds(2), 5, Attempt.REFUSED, Attempt.NOT_POSTGRES);
    l.loop();

    assertThat(waits).containsExactly(Duration.ofMillis(100));
    assertThat(l.unavailableBecause()).as("polling is then the only way, not a fallback").isNull();
  }

  @Test
  void backoffIsResilience4jsExponentialIntervalFunction() {
    assertThat(PostgresListener.backoff(Duration.ofSeconds(2)).apply(1)).isEqualTo(100);
    assertThat(PostgresListener.backoff(Duration.ofSeconds(2)).apply(5)).isEqualTo(1600);
    assertThat(PostgresListener.backoff(Duration.ofSeconds(2)).apply(50)).isEqualTo(2000);
  }

  @Test
  void closingCutsTheWaitForNotificationsShort() throws Exception {
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch aborted = new java.util.concurrent.CountDownLatch(1);
    DatabaseMetaData meta = proxy(DatabaseMetaData.class, (m, args) -> "PostgreSQL");
    Statement statement = proxy(Statement.class, (m, args) -> m.equals("execute") ? Boolean.FALSE : null);
    PGConnection pg = proxy(PGConnection.class, (m, args) -> {
      if (m.equals("getNotifications")) {
        waiting.countDown();
        // As a socket read does: an interrupt does not end it, an abort of the connection does.
        while (true) {
          try {
            if (aborted.await(1, java.util.concurrent.TimeUnit.DAYS)) {
              break;
            }
          } catch (InterruptedException ignored) {
            // a socket read goes on waiting
          }
        }
        throw new SQLException("the connection was aborted", "08006");
      }
      return null;
    });
    Connection connection = proxy(Connection.class, (m, args) -> switch (m) {
      case "getMetaData" -> meta;
      case "createStatement" -> statement;
      case "unwrap" -> pg;
      case "abort" -> {
        aborted.countDown();
        yield null;
      }
      default -> null;
    });
    PostgresListener l = new PostgresListener("test", () -> connection, "chan", Duration.ofDays(1),
        Duration.ofSeconds(2), new PostgresListener.Events() {
          @Override
          public void notified() {}

          @Override
          public void lost(Exception cause) {}

          @Override
          public void reopened() {}
        });
    l.start();
    waiting.await();
    assertThat(l.isListening()).isTrue();

    l.close();

    assertThat(aborted.getCount()).as("the connection was aborted").isZero();
    assertThat(l.ended()).as("the thread ended, with a heartbeat of a day").isTrue();
    assertThat(l.isListening()).isFalse();
  }

  /**
   * A connection whose database is the product named; a PostgreSQL one LISTENs, then its first wait for
   * notifications finds the connection dropped.
   */
  private static Connection connection(String product, boolean listens) {
    DatabaseMetaData meta = proxy(DatabaseMetaData.class, (m, args) -> m.equals("getDatabaseProductName")
        ? product : null);
    Statement statement = proxy(Statement.class, (m, args) -> m.equals("execute") ? Boolean.FALSE : null);
    PGConnection pg = proxy(PGConnection.class, (m, args) -> {
      if (m.equals("getNotifications")) {
        throw new SQLException("the connection dropped", "08006");
      }
      return null;
    });
    return proxy(Connection.class, (m, args) -> switch (m) {
      case "getMetaData" -> meta;
      case "createStatement" -> listens ? statement : null;
      case "unwrap" -> pg;
      default -> null;
    });
  }

  @FunctionalInterface
  private interface Answer {
    Object answer(String method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, Answer answer) {
    return type.cast(Proxy.newProxyInstance(PostgresListenerTest.class.getClassLoader(), new Class<?>[] {type},
        (p, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(p);
          case "equals" -> p == args[0];
          case "toString" -> type.getSimpleName();
          default -> answer.answer(method.getName(), args);
        }));
  }
}
