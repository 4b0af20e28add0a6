package dev.progressive.toggles.store;

import java.util.List;

/**
 * The store cannot be reached (or did not answer within its time budget), so a change was not stored. Nothing was
 * half-written. Evaluation goes on with the last known flags; try the change again when the store's health is UP.
 *
 * <p>When a read of the audit fails, {@link #knownHistory()} holds what this instance knows of it: the entries it
 * read or wrote before, which an endpoint may show marked as stale.
 */
public class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<AuditEntry> knownHistory;

  public StoreUnavailableException(String message, Throwable cause) {
    this(message, cause, List.of());
  }

  /**
   * @param message why the store is unavailable
   * @param cause the failure
   * @param knownHistory for a read of the audit, the entries this instance knows that match it, oldest first
   */
  public StoreUnavailableException(String message, Throwable cause, List<AuditEntry> knownHistory) {
    super(message, cause);
    this.knownHistory = List.copyOf(knownHistory);
  }

  /**
   * For a failed read of the audit: the matching entries this instance read or wrote before, oldest first, possibly
   * missing the latest changes of other instances. Empty otherwise.
   */
  public List<AuditEntry> knownHistory() {
    return knownHistory == null ? List.of() : knownHistory;
  }
}
