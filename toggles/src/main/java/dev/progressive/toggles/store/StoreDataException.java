package dev.progressive.toggles.store;

/**
 * The store refused the data of a change: a value longer than its column, or a character the database cannot hold
 * (such as NUL). This is the caller's error, not an outage: nothing was stored, the store's health and circuit breaker
 * are left alone, and sending the same change again fails the same way. An HTTP endpoint answers it with 400.
 *
 * <p>It is an {@link IllegalArgumentException}, so code that already maps those to a client error keeps doing so.
 */
public class StoreDataException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the part of the change that was refused, such as {@code reason} or {@code actor}; null when the
   *     database did not say
   * @param message what was wrong, naming the field
   * @param cause the database's error, or null when the store refused the value before sending it
   */
  public StoreDataException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The part of the change that was refused ({@code actor}, {@code reason}, {@code key}, ...), or null if unknown. */
  public String field() {
    return field;
  }
}
