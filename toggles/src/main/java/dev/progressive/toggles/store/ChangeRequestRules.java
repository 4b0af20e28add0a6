package dev.progressive.toggles.store;

/**
 * What a change request must hold before any store sees it, the same for every kind of store: a flag key, an actor
 * and a reason of at most {@link #maxTextLength()} characters each, with no control characters (so that no request
 * can forge a line in a log or an audit), and a reason that is not blank.
 *
 * <p>{@link dev.progressive.toggles.FlagAdmin} checks every change with these rules before it writes; a request that
 * breaks one is refused with an {@link InvalidChangeRequestException} that names the field, and nothing is stored.
 *
 * <pre>{@code
 * FlagAdmin admin = toggles.admin().withRules(ChangeRequestRules.ofDefaults().withMaxTextLength(500));
 * }</pre>
 */
public final class ChangeRequestRules {

  /** The default longest actor, reason or flag key, in characters. */
  public static final int DEFAULT_MAX_TEXT_LENGTH = 1_000;

  private static final ChangeRequestRules DEFAULTS = new ChangeRequestRules(DEFAULT_MAX_TEXT_LENGTH);

  private final int maxTextLength;

  private ChangeRequestRules(int maxTextLength) {
    if (maxTextLength < 1) {
      throw new IllegalArgumentException("maxTextLength must be at least 1, was " + maxTextLength);
    }
    this.maxTextLength = maxTextLength;
  }

  /** The rules with a longest text of {@value #DEFAULT_MAX_TEXT_LENGTH} characters. */
  public static ChangeRequestRules ofDefaults() {
    return DEFAULTS;
  }

  /**
   * These rules with another longest actor, reason or flag key.
   *
   * @param maxTextLength in characters (Unicode code points), at least 1
   */
  public ChangeRequestRules withMaxTextLength(int maxTextLength) {
    return new ChangeRequestRules(maxTextLength);
  }

  /** The longest actor, reason or flag key, in characters. */
  public int maxTextLength() {
    return maxTextLength;
  }

  /**
   * Checks a change of one flag.
   *
   * @throws InvalidChangeRequestException naming the field ({@code key}, {@code actor} or {@code reason}) that breaks
   *     a rule
   */
  public void check(String key, ChangeRequest request) {
    checkText("key", key);
    checkText("actor", request.actor());
    if (request.reason().isBlank()) {
      throw new InvalidChangeRequestException("reason", "a change needs a reason; it goes into the audit");
    }
    checkText("reason", request.reason());
  }

  private void checkText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidChangeRequestException(field, "must not be empty");
    }
    int length = value.codePointCount(0, value.length());
    if (length > maxTextLength) {
      throw new InvalidChangeRequestException(field,
          "must be at most " + maxTextLength + " characters long, was " + length);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isControl(c)) {
        throw new InvalidChangeRequestException(field,
            "must not contain control characters, found U+" + String.format("%04X", (int) c) + " at index " + i);
      }
    }
  }

  /** ISO control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
  static boolean isControl(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  @Override
  public String toString() {
    return "ChangeRequestRules[maxTextLength=" + maxTextLength + "]";
  }
}
