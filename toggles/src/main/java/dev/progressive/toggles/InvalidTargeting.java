package dev.progressive.toggles;

/**
 * What happens to a source's change when a flag's targeting rule is invalid.
 *
 * @deprecated use {@link InvalidFlags} with {@link Toggles.Builder#invalidFlags(InvalidFlags)}, whose default
 *     ({@link InvalidFlags#REFUSE_FLAG}) costs only the invalid flag.
 */
@Deprecated(since = "0.1.0", forRemoval = true)
public enum InvalidTargeting {

  /** Same as {@link InvalidFlags#REFUSE_SOURCE}: the whole change of the source is refused. */
  REFUSE_SOURCE,

  /** Same as {@link InvalidFlags#AS_FLAGD}. */
  AS_FLAGD;

  /** The policy this value stands for. */
  InvalidFlags policy() {
    return this == AS_FLAGD ? InvalidFlags.AS_FLAGD : InvalidFlags.REFUSE_SOURCE;
  }
}
