package dev.progressive.toggles.internal.engine;

/**
 * Reads an {@link Engine}'s outcome as the type its caller asks for, for the native API and the OpenFeature provider
 * alike: the one place where a variant's value becomes the caller's type, so that both APIs give the same value for
 * the same flag.
 * Each typed read returns null when the caller's default applies, and allocates nothing: the outcome holds its value
 * in every type it fits, converted once when its flag was compiled.
 */
public final class TypedResolution {

  private TypedResolution() {}

  /** A boolean flag's value, or null when the caller's default applies. */
  public static Boolean booleanOf(EvaluationOutcome o) {
    return (Boolean) o.value();
  }

  /** A string flag's value, or null when the caller's default applies. */
  public static String stringOf(EvaluationOutcome o) {
    return (String) o.value();
  }

  /** An integer flag's value as an int, or null when the caller's default applies or it does not fit an int. */
  public static Integer integerOf(EvaluationOutcome o) {
    return o.integerValue();
  }

  /** Whether an integer flag has a value (the caller's default does not apply) that does not fit an int. */
  public static boolean exceedsInteger(EvaluationOutcome o) {
    return o.value() != null && o.integerValue() == null;
  }

  /** Why an integer flag's value cannot be read as an int, naming the flag and its variant. */
  public static String exceedsIntegerMessage(EvaluationOutcome o) {
    return "flag '" + o.flagKey() + "': variant '" + o.variant() + "' does not fit an int";
  }

  /** An integer flag's value as a long, or null when the caller's default applies. */
  public static Long longOf(EvaluationOutcome o) {
    return o.longValue();
  }

  /** A number flag's value (float or integer) as a double, or null when the caller's default applies. */
  public static Double doubleOf(EvaluationOutcome o) {
    return o.floatValue();
  }

  /** An object flag's value, an unmodifiable Map or List, or null when the caller's default applies. */
  public static Object objectOf(EvaluationOutcome o) {
    return o.value();
  }
}
