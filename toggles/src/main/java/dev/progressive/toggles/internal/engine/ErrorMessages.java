package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.internal.logic.LimitExceededException;

/**
 * Error messages about what a rule or a context produced, safe to build from hostile values: they never throw, never
 * run a value's own {@code toString}, and stay short whatever the value's size or depth.
 */
final class ErrorMessages {

  /** The most characters of a value or a cause kept in a message. */
  static final int MAX_CHARS = 200;

  private ErrorMessages() {}

  /** A value produced by a rule: its kind and a short preview. */
  static String describe(Object value) {
    try {
      return dev.progressive.toggles.internal.logic.Values.describe(value, MAX_CHARS);
    } catch (Throwable e) { // NOPMD: a message must never fail the evaluation
      return "a value that cannot be described";
    }
  }

  /** A cause: its class and its message, cut short; a message that cannot be read is left out. */
  static String describe(Throwable cause) {
    try {
      if (cause instanceof LimitExceededException) {
        return truncate(cause.getMessage());
      }
      if (cause instanceof StackOverflowError) {
        return "the rule or the context is nested too deeply (StackOverflowError)";
      }
      String message = cause.getMessage();
      return cause.getClass().getName() + (message == null ? "" : ": " + truncate(message));
    } catch (Throwable e) { // NOPMD: a hostile exception's getMessage may throw
      return cause.getClass().getName();
    }
  }

  static String truncate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
  }
}
