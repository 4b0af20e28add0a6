package dev.progressive.toggles;

/**
 * Values that answer for flags instead of their definitions: the hook that test support sets on
 * {@link Toggles.Builder#valueLayer(FlagValueLayer)} (the Spring test support's {@code @FlagValue} is one). Every
 * evaluation of that {@link Toggles}, through its native API and through its {@link ProgressiveProvider}, asks the
 * layer first; when it gives a value, that value answers with variant {@value #VARIANT} and reason
 * {@link Reason#STATIC}, and is not counted in the evaluation meters.
 *
 * <p>Values are text, read as the type asked for: {@code true} or {@code false} for a boolean, digits for an integer
 * (an {@code int}, or a {@code long} when it does not fit), a decimal number for a float, the text itself for a
 * string, and JSON for an object. A value that cannot be read as that type answers the caller's default with
 * {@link ErrorCode#TYPE_MISMATCH}, naming the flag and the value; a layer that throws answers it with
 * {@link ErrorCode#GENERAL}. An evaluation never throws because of the layer.
 *
 * <p>The layer is called on the evaluating thread, for every evaluation, so it must be thread-safe and cheap; it
 * decides its own scope (one test's thread, for example). Without a layer, which is the default and what production
 * uses, evaluation costs nothing more.
 */
@FunctionalInterface
public interface FlagValueLayer {

  /** The variant of an answer that the layer gave. */
  String VARIANT = "test-override";

  /**
   * The value a flag answers with, instead of its definition.
   *
   * @param key the flag's key, never null
   * @return the value as text, or null to evaluate the flag as it is defined
   */
  String value(String key);
}
