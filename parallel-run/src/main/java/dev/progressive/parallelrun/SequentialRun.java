package dev.progressive.parallelrun;

import dev.progressive.parallelrun.internal.Throwables;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One experiment's {@link Mode#SEQUENTIAL} run: the control and the candidates, one after the other in a random order
 * on the caller's thread, then each candidate compared and reported.
 *
 * @param <I> the input type
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
final class SequentialRun<I, T, U> {

  private final String name;
  private final Behaviors<I, T, U> behaviors;
  private final Comparison<T, U> comparison;
  private final ResultReporter<T, U> reporter;
  private final BehaviorTimer timer;
  private final boolean raiseOnMismatch;

  SequentialRun(String name, Behaviors<I, T, U> behaviors, Comparison<T, U> comparison,
      ResultReporter<T, U> reporter, BehaviorTimer timer, boolean raiseOnMismatch) {
    this.name = name;
    this.behaviors = behaviors;
    this.comparison = comparison;
    this.reporter = reporter;
    this.timer = timer;
    this.raiseOnMismatch = raiseOnMismatch;
  }

  /** Runs the call; answers with the control's value or exception, as {@link Experiment#run} promises. */
  T run(I input) throws Exception {
    if (behaviors.size() == 1) {
      return runOne(input);
    }
    int n = behaviors.size();
    // A random permutation of 0..n, where 0 is the control and i the candidate at index i - 1.
    int[] order = new int[n + 1];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 1; i <= n; i++) {
      int j = random.nextInt(i + 1);
      order[i] = order[j];
      order[j] = i;
    }
    BehaviorRun<T> controlRun = null;
    List<BehaviorRun<U>> candidateRuns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      candidateRuns.add(null);
    }
    for (int step : order) {
      if (step == 0) {
        controlRun = timer.run("control", behaviors.control(), input);
      } else {
        candidateRuns.set(step - 1,
            timer.run(behaviors.candidateNames().get(step - 1), behaviors.candidates().get(step - 1), input));
      }
    }
    List<Result<?, ?>> mismatched = raiseOnMismatch ? new ArrayList<>() : null;
    Throwable fatal = null;
    for (int i = 0; i < n; i++) {
      Result<T, U> result = comparison.judgeQuietly(i, controlRun, candidateRuns.get(i));
      Throwable failure = reporter.report(result);
      if (fatal == null) {
        fatal = failure;
      }
      if (mismatched != null && result != null && result.mismatched()) {
        mismatched.add(result);
      }
    }
    return answer(controlRun, fatal, mismatched);
  }

  /** The common case of one candidate, with no list and one clock read fewer. */
  private T runOne(I input) throws Exception {
    Behavior<I, ? extends U> candidate = behaviors.candidates().get(0);
    String candidateName = behaviors.candidateNames().get(0);
    Behavior<I, T> control = behaviors.control();
    BehaviorRun<T> controlRun;
    BehaviorRun<U> candidateRun;
    long cpuStart = timer.cpuNow();
    long start = System.nanoTime();
    if (ThreadLocalRandom.current().nextBoolean()) {
      controlRun = timer.runFrom(start, cpuStart, "control", control, input);
      candidateRun = timer.runFrom(start + controlRun.wallTimeNanos(),
          cpuStart < 0 ? -1 : cpuStart + controlRun.cpuTimeNanos(), candidateName, candidate, input);
    } else {
      candidateRun = timer.runFrom(start, cpuStart, candidateName, candidate, input);
      controlRun = timer.runFrom(start + candidateRun.wallTimeNanos(),
          cpuStart < 0 ? -1 : cpuStart + candidateRun.cpuTimeNanos(), "control", control, input);
    }
    Result<T, U> result = comparison.judgeQuietly(0, controlRun, candidateRun);
    Throwable fatal = reporter.report(result);
    List<Result<?, ?>> mismatched = raiseOnMismatch && result != null && result.mismatched() ? List.of(result) : null;
    return answer(controlRun, fatal, mismatched);
  }

  /** The control's answer; a fatal failure of a hook, once the control has answered, instead. */
  private T answer(BehaviorRun<T> controlRun, Throwable fatal, List<Result<?, ?>> mismatched) throws Exception {
    if (fatal != null) {
      throw Throwables.rethrow(fatal);
    }
    if (mismatched != null && !mismatched.isEmpty()) {
      throw new MismatchException(name, mismatched);
    }
    if (controlRun.threw()) {
      throw Throwables.rethrow(controlRun.exception());
    }
    return controlRun.value();
  }
}
