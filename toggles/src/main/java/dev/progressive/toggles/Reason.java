package dev.progressive.toggles;

/** Why an evaluation gave its value. The names are OpenFeature's. */
public enum Reason {
  /** The flag has no targeting: its default variant. */
  STATIC,
  /** A targeting rule chose the variant. */
  TARGETING_MATCH,
  /** A {@code fractional} rule chose the variant by bucketing the context. */
  SPLIT,
  /** Targeting ran and chose nothing (it returned null): the default variant. */
  DEFAULT,
  /** The flag is DISABLED: the caller's default value. */
  DISABLED,
  /** The value is the last known good one, while a source or store cannot be reached. */
  STALE,
  /** Something went wrong: the caller's default value, with an {@link ErrorCode}. */
  ERROR
}
