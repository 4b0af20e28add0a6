package dev.progressive.toggles;

import java.util.Map;
import java.util.Objects;

/**
 * The result of evaluating a flag, with everything that explains it.
 *
 * <p>Evaluations of the common paths are built once per snapshot and shared: do not rely on identity.
 *
 * @param <T> the value's type
 */
public final class Evaluation<T> {

  private final String flagKey;
  private final T value;
  private final String variant;
  private final Reason reason;
  private final ErrorCode errorCode;
  private final String errorMessage;
  private final Map<String, Object> flagMetadata;

  /**
   * @param flagKey the flag; null only when the caller asked with a null key (the answer is then an error)
   * @param value the value: the variant's, or the caller's default
   * @param variant the variant's name, or null when the caller's default was used
   * @param reason why this value
   * @param errorCode the error, or null
   * @param errorMessage the error in words, or null
   * @param flagMetadata the flag's metadata with the set's merged under it; never null
   */
  public Evaluation(String flagKey, T value, String variant, Reason reason, ErrorCode errorCode, String errorMessage,
      Map<String, Object> flagMetadata) {
    this.flagKey = flagKey;
    this.value = value;
    this.variant = variant;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.flagMetadata = Objects.requireNonNull(flagMetadata, "flagMetadata");
  }

  /** The flag's key, as the caller gave it (null when the caller gave null). */
  public String flagKey() {
    return flagKey;
  }

  public T value() {
    return value;
  }

  /** The variant's name, or null when the caller's default was returned (disabled, no default variant, error). */
  public String variant() {
    return variant;
  }

  public Reason reason() {
    return reason;
  }

  /** The error, or null when there was none. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The error in words, naming the flag, or null. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The flag's metadata with the set's merged under it. Empty when there is none, or the flag was not found. */
  public Map<String, Object> flagMetadata() {
    return flagMetadata;
  }

  /** The same evaluation with another value (the caller's default). */
  <U> Evaluation<U> withValue(U newValue) {
    return new Evaluation<>(flagKey, newValue, variant, reason, errorCode, errorMessage, flagMetadata);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Evaluation<?> e && Objects.equals(flagKey, e.flagKey) && Objects.equals(value, e.value)
        && Objects.equals(variant, e.variant) && reason == e.reason && errorCode == e.errorCode
        && Objects.equals(errorMessage, e.errorMessage) && flagMetadata.equals(e.flagMetadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(flagKey, value, variant, reason, errorCode);
  }

  @Override
  public String toString() {
    return "Evaluation{" + flagKey + "=" + value + ", variant=" + variant + ", reason=" + reason
        + (errorCode == null ? "" : ", error=" + errorCode + ": " + errorMessage) + "}";
  }
}
