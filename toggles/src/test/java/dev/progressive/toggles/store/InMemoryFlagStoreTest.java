package dev.progressive.toggles.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryFlagStoreTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  private static AuditEntry audit(String reason, String after) {
    return new AuditEntry(0, "f", 0, "set-state", "alice", reason, null, null, after);
  }

  @Test
  void theAuditIsBoundedInBytesDroppingTheOldestFirst() {
    long budget = 100_000;
    InMemoryFlagStore store = new InMemoryFlagStore(CLOCK, 10_000, budget);
    String definition = "d".repeat(10_000); // ~20 kB an entry
    for (int i = 0; i < 50; i++) {
      store.write("f", FlagOverride.NONE.withState("ENABLED"), i, audit("change " + i, definition));
    }

    List<AuditEntry> kept = store.history("f", Instant.EPOCH, Instant.MAX, Integer.MAX_VALUE);
    assertThat(store.auditBytes()).isLessThanOrEqualTo(budget);
    assertThat(kept).hasSizeBetween(2, 5);
    assertThat(kept.get(kept.size() - 1).reason()).as("the latest is kept").isEqualTo("change 49");
    assertThat(kept.get(0).reason()).isEqualTo("change " + (50 - kept.size()));
    assertThat(store.auditBytes()).isEqualTo(kept.stream().mapToLong(InMemoryFlagStore::bytes).sum());
  }

  @Test
  void anEntryLargerThanTheBudgetIsKeptAloneAndTheEntryBoundStillHolds() {
    InMemoryFlagStore store = new InMemoryFlagStore(CLOCK, 3, 1_000);
    store.write("f", FlagOverride.NONE, 0, audit("small", null));
    store.write("f", FlagOverride.NONE, 1, audit("big", "x".repeat(5_000)));
    assertThat(store.history(null, Instant.EPOCH, Instant.MAX, 10)).extracting(AuditEntry::reason)
        .containsExactly("big");

    InMemoryFlagStore counted = new InMemoryFlagStore(CLOCK, 3);
    for (int i = 0; i < 5; i++) {
      counted.write("f", FlagOverride.NONE, i, audit("r" + i, null));
    }
    assertThat(counted.history(null, Instant.EPOCH, Instant.MAX, 10)).extracting(AuditEntry::reason)
        .containsExactly("r2", "r3", "r4");
  }
}
