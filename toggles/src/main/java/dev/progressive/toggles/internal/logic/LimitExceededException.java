package dev.progressive.toggles.internal.logic;

/**
 * A rule went past one of the {@link Limits} while it was evaluated (or folded at compile time). The evaluation
 * answers the caller's default with an error; the compiler refuses the rule.
 */
public final class LimitExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LimitExceededException(String message) {
    // No stack trace: thrown on purpose, possibly deep in a rule, and its message says all.
    super(message, null, false, false);
  }
}
