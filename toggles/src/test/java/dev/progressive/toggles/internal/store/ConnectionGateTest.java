package dev.progressive.toggles.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** getConnection() cannot be interrupted: the gate answers by the deadline anyway, and gives back what comes late. */
class ConnectionGateTest {

  private static final SQLException UNUSED = new SQLException("unused");

  @Test
  void aCallerWaitsOnlyUntilItsDeadlineAndALateConnectionGoesBackToThePool() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicInteger asked = new AtomicInteger();
    ConnectionGate gate = new ConnectionGate("test", FakeJdbc.dataSource(() -> {
      try {
        release.await(); // a pool that would wait 30 s: here, until the test says
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeJdbc.connection(UNUSED, closed);
    }, asked), 2, 4);
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> gate.get(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)))
          .isInstanceOfSatisfying(SQLTransientConnectionException.class,
              e -> assertThat(e.getSQLState()).isEqualTo("08001"))
          .hasMessageContaining("time budget");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

      release.countDown();
      assertThat(closed.await(30, TimeUnit.SECONDS)).as("the late connection is closed").isTrue();
    } finally {
      gate.close();
    }
  }

  @Test
  void aConnectionInTimeIsTheCallers() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    Connection c = FakeJdbc.connection(UNUSED, closed);
    ConnectionGate gate = new ConnectionGate("test", FakeJdbc.dataSource(() -> c, new AtomicInteger()), 1, 1);
    try {
      assertThat(gate.get(System.nanoTime() + TimeUnit.SECONDS.toNanos(30))).isSameAs(c);
      assertThat(closed.getCount()).isEqualTo(1);
    } finally {
      gate.close();
    }
  }

  @Test
  void whenEveryThreadAndQueuePlaceIsTakenACallerFailsAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    ConnectionGate gate = new ConnectionGate("test", FakeJdbc.dataSource(() -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeJdbc.connection(UNUSED, new CountDownLatch(1));
    }, new AtomicInteger()), 1, 1);
    try {
      Runnable caller = () -> {
        try {
          gate.get(System.nanoTime() + TimeUnit.SECONDS.toNanos(60)).close();
        } catch (SQLException released) {
          // the test is over for this caller
        }
      };
      Thread first = new Thread(caller);
      first.start();
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue(); // the only thread is taken
      Thread second = new Thread(caller);
      second.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (gate.queued() < 1) {
        assertThat(System.nanoTime()).as("the second caller to be queued").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      long start = System.nanoTime();
      Throwable refused = org.assertj.core.api.Assertions.catchThrowableOfType(
          SQLTransientConnectionException.class, () -> gate.get(System.nanoTime() + TimeUnit.SECONDS.toNanos(60)));
      assertThat(refused).as("the third caller is refused").isNotNull();
      assertThat(refused.getMessage()).contains("already waiting");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      release.countDown();
      first.join();
      second.join();
    } finally {
      release.countDown();
      gate.close();
    }
  }
}
