package dev.progressive.toggles.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.store.StoreDataException;
import dev.progressive.toggles.store.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Only failures to reach the database are retried and counted; data errors are the caller's. */
class DatabaseCallsTest {

  private static DatabaseCalls calls(FakeJdbc.Connector connector, AtomicInteger asked, AtomicInteger unreachable) {
    return new DatabaseCalls("test", FakeJdbc.dataSource(connector, asked), Duration.ofSeconds(30), 3,
        Duration.ofMillis(1), Duration.ofHours(1), failure -> unreachable.incrementAndGet());
  }

  @Test
  void aDataErrorIsNeitherRetriedNorCountedAndNamesNoOutage() {
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger unreachable = new AtomicInteger();
    SQLException tooLong = new SQLException("value too long for type character varying(2000)", "22001");
    try (DatabaseCalls calls = calls(() -> FakeJdbc.connection(tooLong, new CountDownLatch(1)), asked,
        unreachable)) {
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> calls.call("writing", s -> s.prepare("INSERT")))
            .isInstanceOf(StoreDataException.class).hasMessageContaining("too long").hasCause(tooLong);
      }
      assertThat(asked.get()).as("one attempt each, no retry").isEqualTo(20);
      assertThat(calls.isCircuitOpen()).isFalse();
      assertThat(unreachable.get()).isZero();
    }
  }

  @Test
  void aFailureToReachTheDatabaseIsRetriedCountedAndOpensTheCircuitWhichAProbeCloses() {
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger unreachable = new AtomicInteger();
    AtomicInteger up = new AtomicInteger();
    try (DatabaseCalls calls = calls(() -> {
      if (up.get() == 0) {
        throw new SQLTransientConnectionException("Connection refused", "08001");
      }
      return FakeJdbc.connection(new SQLException("unused"), new CountDownLatch(1));
    }, asked, unreachable)) {
      assertThatThrownBy(() -> calls.call("writing flag 'x'", s -> "done"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessage("flag store is unavailable: writing flag 'x' failed after 3 attempts: Connection refused");
      assertThat(asked.get()).isEqualTo(3);
      assertThat(unreachable.get()).isEqualTo(1);

      assertThatThrownBy(() -> calls.call("writing", s -> "done")).isInstanceOf(StoreUnavailableException.class);
      assertThat(calls.isCircuitOpen()).isTrue();
      int before = asked.get();
      assertThatThrownBy(() -> calls.call("writing flag 'y'", s -> "done"))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("circuit open");
      assertThat(asked.get()).as("an open circuit does not call").isEqualTo(before);

      up.set(1);
      String probed = calls.probe("checking", s -> "back");
      assertThat(probed).isEqualTo("back");
      assertThat(calls.isCircuitOpen()).isFalse();
      String written = calls.call("writing", s -> "done");
      assertThat(written).isEqualTo("done");
    }
  }

  @Test
  void sqlStatesAreSortedByWhoseFaultTheyAre() {
    assertThat(SqlFailures.classify(new SQLException("zero bytes", "22023"))).isEqualTo(SqlFailures.Kind.DATA);
    assertThat(SqlFailures.classify(new SQLException("duplicate", "23505"))).isEqualTo(SqlFailures.Kind.DATA);
    assertThat(SqlFailures.classify(new SQLException("refused", "08001"))).isEqualTo(SqlFailures.Kind.UNREACHABLE);
    assertThat(SqlFailures.classify(new SQLException("admin shutdown", "57P01")))
        .isEqualTo(SqlFailures.Kind.UNREACHABLE);
    assertThat(SqlFailures.classify(new SQLException("cancelled", "57014"))).isEqualTo(SqlFailures.Kind.UNREACHABLE);
    assertThat(SqlFailures.classify(new SQLException("I/O", null, new java.net.SocketTimeoutException())))
        .isEqualTo(SqlFailures.Kind.UNREACHABLE);
    assertThat(SqlFailures.classify(new SQLException("no such table", "42P01"))).isEqualTo(SqlFailures.Kind.OTHER);
  }
}
