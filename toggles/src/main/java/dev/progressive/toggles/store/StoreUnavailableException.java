package dev.progressive.toggles.store;

/**
 * The store cannot be reached, so a change was not stored. Nothing was half-written. Evaluation goes on with the
 * last known flags; try the change again when the store's health is UP.
 */
public class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
