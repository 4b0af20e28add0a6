package dev.progressive.toggles;

/** Why an evaluation failed. The names are OpenFeature's. */
public enum ErrorCode {
  /** No flag has that key. */
  FLAG_NOT_FOUND,
  /** The flag's variants are of another type than the one asked for. */
  TYPE_MISMATCH,
  /** The flag's definition or targeting could not be understood. */
  PARSE_ERROR,
  /** Anything else, such as a rule that chose a variant that does not exist. */
  GENERAL
}
