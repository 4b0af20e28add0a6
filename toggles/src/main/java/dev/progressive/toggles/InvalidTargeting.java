package dev.progressive.toggles;

/**
 * What happens to a source's change when a flag's targeting rule is invalid: it cannot be compiled (an unknown
 * operator, a {@code $ref} to nothing), or it can only fail at run time (a negative weight, a wrong number of
 * arguments, an unknown {@code sem_ver} operator).
 */
public enum InvalidTargeting {

  /**
   * The whole change of the source is refused and its last good flags stay in force, as for any other invalid
   * definition. The default: nothing is half-applied.
   */
  REFUSE_SOURCE,

  /**
   * As flagd does: a rule that cannot be compiled makes its flag evaluate to the caller's default with error
   * {@link ErrorCode#PARSE_ERROR} and the compiler's message, while the other flags apply; a rule that can only fail
   * at run time evaluates as flagd evaluates it (a negative weight counts as 0; the others answer null, so the
   * default variant). Both are logged. Use it for flag files shared with flagd deployments, and to run flagd's
   * evaluator test suite.
   */
  AS_FLAGD
}
