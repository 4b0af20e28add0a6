package dev.progressive.toggles.internal.logic;

/**
 * The bounds on compiling and evaluating a rule, so that no flag document and no evaluation context can exhaust the
 * stack, the heap or the time of the process. docs/toggles.md states them for users.
 *
 * <p>Compiling refuses a rule that passes a bound with a {@link dev.progressive.toggles.FlagDefinitionException}
 * naming the bound, the flag and the JSON path. Evaluating answers the caller's default with reason ERROR (GENERAL)
 * and a message naming the bound.
 */
public final class Limits {

  /**
   * The deepest nesting of a rule, counting the arrays and objects of the rule and of every {@code $ref} followed,
   * and of a value converted at run time (a list in a list...). It bounds the stack that compiling and evaluating
   * use.
   */
  public static final int MAX_DEPTH = 256;

  /**
   * The most nodes a flag's rule may have once every {@code $ref} is replaced by its evaluator. An evaluator is
   * compiled once and shared, but evaluating it costs its full size at every use.
   */
  public static final long MAX_RULE_NODES = 1_000_000;

  /** The longest string that an operator may produce ({@code cat}, or a list converted to a string). */
  public static final int MAX_STRING_CHARS = 1_000_000;

  /** The longest list that an operator may produce ({@code merge}, {@code map}, {@code filter}). */
  public static final int MAX_LIST_ELEMENTS = 100_000;

  /**
   * The work that the iterations ({@code map}, {@code filter}, {@code reduce}, {@code all}, {@code some},
   * {@code none}) of one rule may do per evaluation, and that folding a constant may do at compile time: each
   * element costs the size of the rule applied to it, and long strings and lists their length.
   */
  public static final long MAX_WORK = 10_000_000;

  /**
   * The work that folding the constants of all the rules of one document may do at compile time, on top of the
   * {@link #MAX_WORK} of each rule: it bounds the time a document takes to compile, whatever its number of flags.
   */
  public static final long MAX_DOCUMENT_WORK = 50_000_000;

  private Limits() {}
}
