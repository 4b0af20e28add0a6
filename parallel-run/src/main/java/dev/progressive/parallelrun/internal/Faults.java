package dev.progressive.parallelrun.internal;

/** What a caught {@link Throwable} means for the experiment. */
public final class Faults {

  private static final int MAX_MESSAGE = 300;

  private Faults() {
  }

  /**
   * Whether the JVM cannot be trusted to go on after it: a {@link VirtualMachineError} other than a
   * {@link StackOverflowError}, which leaves a healthy thread once the stack has unwound.
   *
   * @param t a throwable
   * @return whether it is fatal
   */
  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /**
   * The class and message of a throwable, at most 300 characters, never throwing even when {@code getMessage} does.
   *
   * @param t a throwable
   * @return its description
   */
  public static String describe(Throwable t) {
    String message;
    try {
      message = t.getMessage();
    } catch (Throwable failure) {
      if (isFatal(failure)) {
        throw failure;
      }
      message = "(getMessage() threw " + failure.getClass().getName() + ")";
    }
    String text = t.getClass().getName() + (message == null ? "" : ": " + message);
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
