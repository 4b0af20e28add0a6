package dev.progressive.toggles.store;

import java.util.Objects;

/**
 * A change request that breaks {@link ChangeRequestRules}: the caller's error, never the store's. Nothing was stored,
 * and the store's health is untouched.
 */
public final class InvalidChangeRequestException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the field that was wrong, such as {@code reason}
   * @param problem what was wrong with it
   */
  public InvalidChangeRequestException(String field, String problem) {
    super("\"" + Objects.requireNonNull(field, "field") + "\" " + Objects.requireNonNull(problem, "problem"));
    this.field = field;
  }

  /** The field that was wrong: {@code key}, {@code actor} or {@code reason}. */
  public String field() {
    return field;
  }
}
