package dev.progressive.toggles.internal.logic;

/** The values that flow through rules, as the rest of the engine may see them. */
public final class Values {

  private Values() {}

  /**
   * A short description of a value for an error message. Never throws, never calls a value's own {@code toString},
   * and stays under about {@code maxChars} characters whatever the value's size, depth or cycles.
   */
  public static String describe(Object value, int maxChars) {
    return JavaScriptSemantics.describe(value, maxChars);
  }
}
