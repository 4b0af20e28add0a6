package dev.progressive.toggles.internal.engine;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.Reason;
import dev.openfeature.sdk.ImmutableMetadata;
import java.util.Map;

/**
 * One way an evaluation can end: a variant with a reason, or the caller's default with a reason or an error. The
 * outcomes of a flag are built once per snapshot, so the evaluation path returns a shared object and allocates
 * nothing. Each outcome counts itself in {@code progressive.toggle.evaluations}, its counter resolved on first use.
 */
public final class EvaluationOutcome {

  private final String flagKey;
  private final String variant;
  private final Object value;
  private final Reason reason;
  private final ErrorCode errorCode;
  private final String errorMessage;
  private final Map<String, Object> metadata;
  private final Evaluation<Object> evaluation;
  /** The value as a Double when it is a number, built once so that reading a whole number as a float allocates nothing. */
  private final Double floatValue;
  /** The value as an Integer when it is a whole number that fits an int, built once for the same reason. */
  private final Integer integerValue;
  /** The value as a Long when it is a whole number, built once for the same reason. */
  private final Long longValue;
  /** Whether the value is boolean true: read beside {@link #value} so that a boolean flag's answer unboxes nothing. */
  private final boolean isTrue;
  private final EvaluationMeters meters;
  private ThreadOwnedCounts.Counter counter; // racy lazy init is benign: the meters give one counter per id
  private ImmutableMetadata openFeatureMetadata; // likewise: equal values, built at most a few times

  EvaluationOutcome(String flagKey, String variant, Object value, Reason reason, ErrorCode errorCode, String errorMessage,
      Map<String, Object> metadata, EvaluationMeters meters) {
    this.flagKey = flagKey;
    this.variant = variant;
    this.value = value;
    this.reason = reason;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.metadata = metadata;
    this.meters = meters;
    this.floatValue = value instanceof Double d ? d : value instanceof Number n ? n.doubleValue() : null;
    this.integerValue = value instanceof Integer i ? i : null;
    this.longValue = value instanceof Long l ? l : value instanceof Integer i ? Long.valueOf(i) : null;
    this.isTrue = Boolean.TRUE.equals(value);
    this.evaluation = value == null ? null
        : new Evaluation<>(flagKey, value, variant, reason, errorCode, errorMessage, metadata);
  }

  static EvaluationOutcome variant(String flagKey, String variant, Object value, Reason reason, Map<String, Object> metadata,
      EvaluationMeters meters) {
    return new EvaluationOutcome(flagKey, variant, value, reason, null, null, metadata, meters);
  }

  /** The caller's default, for a reason that is not an error (DISABLED, or DEFAULT without a default variant). */
  static EvaluationOutcome codeDefault(String flagKey, Reason reason, Map<String, Object> metadata, EvaluationMeters meters) {
    return new EvaluationOutcome(flagKey, null, null, reason, null, null, metadata, meters);
  }

  /** The caller's default because of an error. */
  public static EvaluationOutcome error(String flagKey, ErrorCode code, String message, Map<String, Object> metadata,
      EvaluationMeters meters) {
    return new EvaluationOutcome(flagKey, null, null, Reason.ERROR, code, message, metadata, meters);
  }

  /** Counts this outcome in {@code progressive.toggle.evaluations}. Allocates nothing after the first call. */
  public void record() {
    ThreadOwnedCounts.Counter c = counter;
    if (c == null) {
      if (meters == null || flagKey == null) {
        return;
      }
      c = meters.evaluations(flagKey, variant, reason);
      counter = c;
    }
    c.increment();
  }

  /**
   * The variant's value as a Double, or null when it is not a number (or the caller's default applies). Read from this
   * outcome only, so that it stays consistent with {@link #value()} while flags change.
   */
  public Double floatValue() {
    return floatValue;
  }

  /** The variant's value as an Integer when it is an Integer, else null. Read from this outcome only. */
  public Integer integerValue() {
    return integerValue;
  }

  /** Whether the value is boolean true; false also when the caller's default applies (see {@link #value()}). */
  public boolean isTrue() {
    return isTrue;
  }

  /** The variant's value as a Long when it is a whole number (Integer or Long), else null. */
  public Long longValue() {
    return longValue;
  }

  /** The flag's key; null only for an evaluation asked with a null key. */
  public String flagKey() {
    return flagKey;
  }

  /** The variant's name, or null when the caller's default applies. */
  public String variant() {
    return variant;
  }

  /** The variant's value, or null when the caller's default applies. */
  public Object value() {
    return value;
  }

  public Reason reason() {
    return reason;
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  /** The metadata as OpenFeature's type, built on first use and then shared. */
  public ImmutableMetadata openFeatureMetadata() {
    ImmutableMetadata m = openFeatureMetadata;
    if (m == null) {
      ImmutableMetadata.ImmutableMetadataBuilder b = ImmutableMetadata.builder();
      for (Map.Entry<String, Object> e : metadata.entrySet()) {
        Object v = e.getValue();
        if (v instanceof String str) {
          b.addString(e.getKey(), str);
        } else if (v instanceof Boolean bool) {
          b.addBoolean(e.getKey(), bool);
        } else if (v instanceof Integer i) {
          b.addInteger(e.getKey(), i);
        } else if (v instanceof Long l) {
          b.addLong(e.getKey(), l);
        } else if (v instanceof Number n) {
          b.addDouble(e.getKey(), n.doubleValue());
        }
      }
      m = b.build();
      openFeatureMetadata = m;
    }
    return m;
  }

  /** The shared evaluation of this outcome, or, when the caller's default applies, a new one with it. */
  @SuppressWarnings("unchecked")
  public <T> Evaluation<T> evaluation(T defaultValue) {
    if (evaluation != null) {
      return (Evaluation<T>) evaluation;
    }
    return new Evaluation<>(flagKey, defaultValue, variant, reason, errorCode, errorMessage, metadata);
  }

  @Override
  public String toString() {
    return flagKey + ":" + (variant == null ? "<default>" : variant) + "/" + reason
        + (errorCode == null ? "" : "/" + errorCode);
  }
}
