package dev.progressive.parallelrun;

/**
 * One implementation under comparison: the control or a candidate. It takes the experiment's input and returns a
 * value, which may be {@code null}, or throws.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface Behavior<I, R> {

  /**
   * Runs this implementation.
   *
   * @param input the input given to {@link Experiment#run(Object)}
   * @return the result, possibly {@code null}
   * @throws Exception whatever the implementation throws; for the control it reaches the caller unchanged
   */
  R call(I input) throws Exception;
}
