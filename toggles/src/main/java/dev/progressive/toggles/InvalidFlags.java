package dev.progressive.toggles;

/**
 * What an invalid flag in a source costs. Set with {@link Toggles.Builder#invalidFlags(InvalidFlags)}.
 *
 * <p>Whatever the policy, a document that cannot be read at all (not JSON or YAML, no {@code "flags"} object) costs
 * that document: its last good flags stay in force. A refused flag or document is logged once, with the file and the
 * JSON path, and named in {@link Toggles#health()} (the source is {@code STALE}).
 *
 * <p>A rule that is valid but can only answer null (a {@code sem_ver} against {@code "2.0.0.0"}, an unknown
 * {@code sem_ver} operator, a wrong number of arguments to {@code starts_with}, a negative {@code fractional} weight)
 * is not an invalid definition under {@link #REFUSE_FLAG} and {@link #AS_FLAGD}: it evaluates as flagd evaluates it
 * (null, so the default variant; a negative weight counts as 0), with a warning in the log.
 * {@link FlagFileCheck} reports such rules as errors, for CI.
 */
public enum InvalidFlags {

  /**
   * The default. Every flag is compiled on its own. At a source's first read, a flag that cannot be compiled answers
   * {@link ErrorCode#PARSE_ERROR} (the caller's default) and every other flag serves. At a later change, a flag that
   * cannot be compiled keeps its last good definition while every other flag's change applies.
   */
  REFUSE_FLAG,

  /**
   * Whole-file refusal: one invalid flag refuses the source's whole change, and its last good flags stay in force; at
   * the first read the source then serves nothing. Rules that can only answer null are refused too. Nothing is
   * half-applied.
   */
  REFUSE_SOURCE,

  /**
   * As flagd does: like {@link #REFUSE_FLAG}, except that a flag whose targeting cannot be compiled (an unknown
   * operator, a {@code $ref} to nothing) is applied even at a later change, and answers
   * {@link ErrorCode#PARSE_ERROR} instead of keeping its last good definition.
   */
  AS_FLAGD
}
