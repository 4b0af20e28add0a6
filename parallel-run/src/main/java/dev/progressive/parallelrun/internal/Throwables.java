package dev.progressive.parallelrun.internal;

/** Rethrows a caught throwable as itself, so the caller gets the very instance that was thrown. */
public final class Throwables {

  private Throwables() {
  }

  /**
   * Throws {@code t} unchanged, checked or not.
   *
   * @param t the throwable
   * @return never returns; declared so that callers can write {@code throw rethrow(t)}
   * @throws Exception always {@code t} (or {@code t} itself when it is an {@link Error})
   */
  public static Exception rethrow(Throwable t) throws Exception {
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw Throwables.<RuntimeException>sneaky(t);
  }

  @SuppressWarnings("unchecked")
  private static <X extends Throwable> X sneaky(Throwable t) throws X {
    throw (X) t;
  }
}
