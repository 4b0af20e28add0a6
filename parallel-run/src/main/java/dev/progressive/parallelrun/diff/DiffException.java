package dev.progressive.parallelrun.diff;

/**
 * A value could not be turned into a tree (reading one of its properties threw, or it is nested too deeply for the
 * stack): that comparison cannot be made. The message names the property, the class that has it and its path from
 * the compared value, such as {@code reading "secret" of com.example.Account (at items[1].secret)}; the cause is
 * what was thrown.
 */
public final class DiffException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be read
   * @param cause what the getter or accessor threw
   */
  public DiffException(String message, Throwable cause) {
    super(message, cause);
  }
}
