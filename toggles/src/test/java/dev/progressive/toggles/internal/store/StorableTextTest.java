package dev.progressive.toggles.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.StoreDataException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StorableTextTest {

  private static AuditEntry entry(String actor, String reason) {
    return new AuditEntry(0, "k", 0, "set", actor, reason, Instant.EPOCH, null, "{}");
  }

  @Test
  void textAtTheColumnsLimitsIsStored() {
    assertThatCode(() -> StorableText.check("k".repeat(FlagTables.MAX_KEY), "{}",
        entry("a".repeat(FlagTables.MAX_ACTOR), "r".repeat(FlagTables.MAX_REASON)))).doesNotThrowAnyException();
  }

  @Test
  void oneCharacterOverALimitIsRefusedNamingTheFieldAndTheLimit() {
    assertThatThrownBy(() -> StorableText.check("k", "{}", entry("ops", "r".repeat(FlagTables.MAX_REASON + 1))))
        .isInstanceOfSatisfying(StoreDataException.class, e -> assertThat(e.field()).isEqualTo("reason"))
        .hasMessageContaining("the reason is " + (FlagTables.MAX_REASON + 1) + " characters long")
        .hasMessageContaining("at most " + FlagTables.MAX_REASON)
        .hasMessageContaining("nothing was stored");
  }

  @Test
  void aNulCharacterIsRefusedWithItsIndex() {
    assertThatThrownBy(() -> StorableText.check("k", "{}", entry("o\u0000ps", null)))
        .isInstanceOfSatisfying(StoreDataException.class, e -> assertThat(e.field()).isEqualTo("actor"))
        .hasMessageContaining("NUL character (\\u0000) at index 1");
  }

  @Test
  void theKeyIsCheckedFirst() {
    assertThatThrownBy(() -> StorableText.check("k".repeat(FlagTables.MAX_KEY + 1), "{}", entry("o\u0000ps", null)))
        .isInstanceOfSatisfying(StoreDataException.class, e -> assertThat(e.field()).isEqualTo("key"));
  }

  @Test
  void instantsBeyondALongsMillisecondsAreClampedToItsEnds() {
    assertThat(OverrideRows.millis(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    assertThat(OverrideRows.millis(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(OverrideRows.millis(Instant.ofEpochMilli(42))).isEqualTo(42);
  }
}
