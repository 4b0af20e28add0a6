package dev.progressive.toggles.internal.assembly;

/**
 * Failures of code that a {@code Toggles} does not control (a user's source or listener, hostile input): what it goes
 * on from, how it names them, and the logger it reports them to.
 */
public final class Failures {

  /** The logger of everything that keeps a {@code Toggles}'s flags in force: the facade's own name. */
  static final String TOGGLES_LOGGER = "dev.progressive.toggles.Toggles";

  private Failures() {}

  /** Rethrows what the JVM cannot go on from (out of memory and the like); a stack overflow is not one of them. */
  public static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
      throw (VirtualMachineError) e;
    }
  }

  /** A throwable in words, even when its own toString throws. */
  public static String describe(Throwable e) {
    try {
      return String.valueOf(e);
    } catch (Throwable again) { // NOPMD: a hostile exception's message may throw
      return e.getClass().getName();
    }
  }
}
