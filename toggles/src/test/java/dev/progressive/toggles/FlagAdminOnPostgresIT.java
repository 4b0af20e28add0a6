package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.testing.postgres.PostgresExtension;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.InvalidChangeRequestException;
import dev.progressive.toggles.store.JdbcFlagStore;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input is the caller's error, on the real PostgreSQL too: a reason with a NUL character or 2,001 characters
 * long once reached the database, failed there, and counted toward the store's circuit breaker, so that two such
 * requests took every valid write and the store's health down. FlagAdmin now refuses it before the store.
 */
@ExtendWith(PostgresExtension.class)
class FlagAdminOnPostgresIT {

  private static final String FLAGS = """
      {"flags": {
        "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}
      }}""";

  @Test
  void badReasonsAreRefusedBeforeTheDatabaseAndValidWritesAndHealthStayUp(DataSource db) {
    JdbcFlagStore store = JdbcFlagStore.builder(db).tablePrefix("bad_input_").pollInterval(Duration.ofHours(1))
        .retryWait(Duration.ofMillis(20)).circuitOpenWait(Duration.ofSeconds(30)).build();
    try (Toggles toggles = Toggles.builder().source(InMemorySource.named("flags.json", FLAGS)).store(store).build()) {
      for (String reason : new String[] {"nul \u0000 byte", "x".repeat(2_001), "", "line\nERROR forged"}) {
        for (int i = 0; i < 3; i++) {
          assertThatThrownBy(() -> toggles.admin().setState("new-menu", false, ChangeRequest.of("ops", reason, 0)))
              .isInstanceOf(InvalidChangeRequestException.class)
              .extracting(e -> ((InvalidChangeRequestException) e).field()).isEqualTo("reason");
        }
      }
      assertThat(toggles.health()).allSatisfy(h -> assertThat(h.status()).isEqualTo(SourceHealth.Status.UP));
      assertThat(toggles.admin().history("new-menu", Instant.EPOCH, Instant.now().plusSeconds(60), 10)).isEmpty();

      assertThat(toggles.admin().setState("new-menu", false, ChangeRequest.of("ops", "incident 42", 0)).version())
          .as("a valid write right after").isEqualTo(1);
      assertThat(toggles.isEnabled("new-menu")).isFalse();
      assertThat(toggles.admin().history("new-menu", Instant.EPOCH, Instant.now().plusSeconds(60), 10))
          .singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("incident 42"));
    }
  }
}
