package dev.progressive.toggles.internal.logic;

/**
 * A compiled JsonLogic expression: a node of a tree of Java objects built once per snapshot. Immutable and
 * thread-safe. No JSON is walked at evaluation time.
 *
 * <p>Values flowing through the tree are {@code null}, {@code Boolean}, {@code String}, {@code Number}
 * ({@code Double} for numbers that JsonLogic computes; {@code Integer}, {@code Long} or {@code Double} from contexts
 * and literals), {@code List<Object>}, {@code Map<String, Object>}, and {@link Split} (only as the result of a
 * {@code fractional} in result position).
 */
public abstract class Expr {

  /**
   * Evaluates this expression.
   *
   * @param data the data that {@code var} reads: a {@link RootData} at the top level, or the current element inside
   *     {@code map}, {@code filter}, {@code all}, {@code none}, {@code some} and {@code reduce}
   * @return the value; never throws for any data (errors of types give JsonLogic's answers, e.g. null or false)
   */
  public abstract Object eval(Object data);

  /** Whether this node is a literal, whose {@link #eval} ignores the data. Lets the compiler fold constants. */
  public boolean isConstant() {
    return false;
  }

  /**
   * This node as a {@link KeyedSplit} when its answer depends on the targeting key alone (a plain percentage
   * rollout), or null.
   */
  public KeyedSplit keyedSplit() {
    return null;
  }
}
