package dev.progressive.parallelrun.diff;

/**
 * A value could not be turned into a tree because reading one of its properties threw: the comparison cannot be
 * made. The message names the class and the getter or accessor; the cause is what it threw.
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
