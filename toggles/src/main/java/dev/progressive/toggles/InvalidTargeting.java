package dev.progressive.toggles;

/**
 * What happens to a source's change when a flag's targeting rule cannot be compiled: an unknown operator, a
 * {@code $ref} to nothing, a negative weight.
 */
public enum InvalidTargeting {

  /**
   * The whole change of the source is refused and its last good flags stay in force, as for any other invalid
   * definition. The default: nothing is half-applied.
   */
  REFUSE_SOURCE,

  /**
   * As flagd does: the other flags are applied, and the broken flag evaluates to the caller's default with error
   * {@link ErrorCode#PARSE_ERROR} and the compiler's message. The error is still logged once. Use it for flag files
   * shared with flagd deployments that rely on this behaviour.
   */
  PARSE_ERROR
}
