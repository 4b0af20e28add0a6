package dev.progressive.parallelrun;

import java.util.List;

/**
 * The control and the named candidates of one experiment; a candidate is known by its index in both lists.
 *
 * @param control the old implementation, which answers the caller
 * @param candidateNames the candidates' names, in the order they were added
 * @param candidates the new implementations, in the same order
 * @param <I> the input type
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
record Behaviors<I, T, U>(Behavior<I, T> control, List<String> candidateNames,
    List<Behavior<I, ? extends U>> candidates) {

  Behaviors {
    candidateNames = List.copyOf(candidateNames);
    candidates = List.copyOf(candidates);
  }

  int size() {
    return candidates.size();
  }
}
