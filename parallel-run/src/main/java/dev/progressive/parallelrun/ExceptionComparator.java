package dev.progressive.parallelrun;

import java.util.Objects;

/**
 * Decides whether the candidate's exception is equivalent to the control's, when both threw. The default,
 * {@link #SAME_CLASS_AND_MESSAGE}, asks for the same class and the same message.
 */
@FunctionalInterface
public interface ExceptionComparator {

  /** Two exceptions are equivalent when they have exactly the same class and equal messages. */
  ExceptionComparator SAME_CLASS_AND_MESSAGE =
      (control, candidate) -> control.getClass() == candidate.getClass()
          && Objects.equals(control.getMessage(), candidate.getMessage());

  /**
   * Compares two exceptions, neither of them {@code null}.
   *
   * @param control what the control threw
   * @param candidate what the candidate threw
   * @return whether they are equivalent
   */
  boolean equivalent(Throwable control, Throwable candidate);
}
