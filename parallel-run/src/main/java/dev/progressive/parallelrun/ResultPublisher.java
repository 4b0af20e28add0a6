package dev.progressive.parallelrun;

/**
 * Receives the full result of every comparison (a sink for {@link Result}s, not a
 * {@link java.util.concurrent.Flow.Publisher}), after the meters are updated. In {@link Mode#ASYNC} it is called
 * off the caller's thread. Whatever it throws is caught and logged; it never reaches the caller, and the other
 * publishers still run.
 */
@FunctionalInterface
public interface ResultPublisher {

  /**
   * Publishes one result.
   *
   * @param result the comparison of the control with one candidate
   */
  void publish(Result<?, ?> result);
}
