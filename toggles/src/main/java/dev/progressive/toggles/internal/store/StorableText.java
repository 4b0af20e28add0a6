package dev.progressive.toggles.internal.store;

import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.StoreDataException;

/**
 * Refuses, before anything is sent, the text that the store's columns cannot hold (too long, or holding a NUL
 * character), naming the field: the database would refuse it too, and a refusal is the caller's error, not an outage.
 */
public final class StorableText {

  private StorableText() {
  }

  /**
   * Checks a write's key, override JSON and audit entry against the columns' limits.
   *
   * @throws StoreDataException naming the first field that does not fit
   */
  public static void check(String flagKey, String overrideJson, AuditEntry entry) {
    check("key", flagKey, FlagTables.MAX_KEY);
    check("actor", entry.actor(), FlagTables.MAX_ACTOR);
    check("reason", entry.reason(), FlagTables.MAX_REASON);
    check("action", entry.action(), FlagTables.MAX_ACTION);
    check("override", overrideJson, FlagTables.MAX_JSON);
    check("before", entry.before(), FlagTables.MAX_JSON);
    check("after", entry.after(), FlagTables.MAX_JSON);
  }

  static void check(String field, String value, int max) {
    if (value == null) {
      return;
    }
    if (value.length() > max) {
      throw new StoreDataException(field, "the " + field + " is " + value.length() + " characters long; the flag "
          + "store holds at most " + max + "; nothing was stored", null);
    }
    int nul = value.indexOf('\u0000');
    if (nul >= 0) {
      throw new StoreDataException(field, "the " + field + " holds a NUL character (\\u0000) at index " + nul
          + ", which the flag store cannot hold; nothing was stored", null);
    }
  }
}
