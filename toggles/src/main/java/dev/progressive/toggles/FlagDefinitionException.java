package dev.progressive.toggles;

/**
 * A flag definition was refused. The message names the source (a file, a URL or "in-memory"), the flag and the JSON
 * path of what was wrong, e.g. {@code flags.json: flag 'new-menu': $.flags.new-menu.targeting.if[0]: unknown
 * operator 'ends'}.
 *
 * <p>This is the only exception that parsing and compiling a definition throws. When it is thrown, nothing of the
 * refused definition is applied, and the last good one stays in force.
 *
 * <p>A definition that passes one of the bounds of compiling (the size of the document, the depth or expanded size of
 * a rule, the work of folding its constants; docs/toggles.md lists them) is refused with this exception too; its
 * {@link #detail()} names the bound, e.g. {@code flags.json: flag 'f': $.$evaluators.e255: the rule is nested
 * deeper than 256 levels (counting the $refs followed) through the $ref chain e0 -> e1 -> ...}.
 */
public class FlagDefinitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String flagKey;
  private final String jsonPath;
  private final String detail;

  /**
   * @param source where the definition came from, never null
   * @param flagKey the flag, or null when the error is not in one flag (e.g. invalid JSON)
   * @param jsonPath the JSON path of the error, e.g. {@code $.flags.f.defaultVariant}, or null when unknown
   * @param detail what is wrong, in words
   * @param cause the underlying error, or null
   */
  public FlagDefinitionException(String source, String flagKey, String jsonPath, String detail, Throwable cause) {
    super(format(source, flagKey, jsonPath, detail), cause);
    this.source = source;
    this.flagKey = flagKey;
    this.jsonPath = jsonPath;
    this.detail = detail;
  }

  public FlagDefinitionException(String source, String flagKey, String jsonPath, String detail) {
    this(source, flagKey, jsonPath, detail, null);
  }

  private static String format(String source, String flagKey, String jsonPath, String detail) {
    StringBuilder sb = new StringBuilder(source == null ? "<unknown source>" : source).append(": ");
    if (flagKey != null) {
      sb.append("flag '").append(flagKey).append("': ");
    }
    if (jsonPath != null) {
      sb.append(jsonPath).append(": ");
    }
    return sb.append(detail).toString();
  }

  /** Where the definition came from. */
  public String source() {
    return source;
  }

  /** The flag in error, or null when the error is not in one flag. */
  public String flagKey() {
    return flagKey;
  }

  /** The JSON path of the error, or null when it is not known. */
  public String jsonPath() {
    return jsonPath;
  }

  /** What is wrong, without the source, flag and path. */
  public String detail() {
    return detail;
  }

  /** The same error, attributed to another source (e.g. when a parser did not know the file name). */
  public FlagDefinitionException withSource(String newSource) {
    FlagDefinitionException e = new FlagDefinitionException(newSource, flagKey, jsonPath, detail, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
