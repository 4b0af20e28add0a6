package dev.progressive.parallelrun;

import dev.progressive.parallelrun.internal.AfterRun;
import dev.progressive.parallelrun.internal.Droppable;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import dev.progressive.parallelrun.internal.Throwables;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One experiment's {@link Mode#ASYNC} run: hands each candidate to the runner's threads (a {@link CandidateTask}),
 * runs the control on the caller's thread, and compares each pair (a {@link Trial}) when both have arrived.
 *
 * @param <I> the input type
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
final class AsyncRun<I, T, U> {

  private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);
  private static final VarHandle ARRIVALS;
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ARRIVALS = lookup.findVarHandle(AsyncRun.Trial.class, "arrivals", int.class);
      STATE = lookup.findVarHandle(AsyncRun.CandidateTask.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final ParallelRunner runner;
  private final Behaviors<I, T, U> behaviors;
  private final List<ContextPropagator> propagators;
  private final Comparison<T, U> comparison;
  private final ResultReporter<T, U> reporter;
  private final BehaviorTimer timer;
  private final HookFaults faults;
  private final boolean needsResults;
  private final boolean raiseOnMismatch;

  AsyncRun(String name, ParallelRunner runner, Behaviors<I, T, U> behaviors, List<ContextPropagator> propagators,
      Comparison<T, U> comparison, ResultReporter<T, U> reporter, BehaviorTimer timer, HookFaults faults,
      boolean needsResults, boolean raiseOnMismatch) {
    this.name = name;
    this.runner = runner;
    this.behaviors = behaviors;
    this.propagators = List.copyOf(propagators);
    this.comparison = comparison;
    this.reporter = reporter;
    this.timer = timer;
    this.faults = faults;
    this.needsResults = needsResults;
    this.raiseOnMismatch = raiseOnMismatch;
  }

  /** Runs the call; answers with the control's value or exception, as {@link Experiment#run} promises. */
  T run(I input) throws Exception {
    Trials trials = startCandidates(input);
    long cpuStart = timer.cpuNow();
    long start = System.nanoTime();
    T value = null;
    Throwable thrown = null;
    try {
      value = behaviors.control().call(input);
    } catch (Throwable t) {
      thrown = t;
    }
    long wall = System.nanoTime() - start;
    finishControl(trials, new BehaviorRun<>("control", value, thrown, wall, timer.cpuSince(cpuStart)));
    if (raiseOnMismatch) {
      raiseIfMismatched(trials);
    }
    if (trials.fatal != null) {
      throw Throwables.rethrow(trials.fatal);
    }
    if (thrown != null) {
      throw Throwables.rethrow(thrown);
    }
    return value;
  }

  /** Never throws: each candidate is either handed to a runner thread or counted (or kept) as rejected. */
  private Trials startCandidates(I input) {
    Trials trials = new Trials(behaviors.size());
    CarriedContext carried = null;
    for (int i = 0; i < behaviors.size(); i++) {
      Trial trial = null;
      boolean holdsPermit = false;
      try {
        if (!runner.bulkhead().tryAcquirePermission()) {
          if (needsResults) {
            trials.add(rejectedTrial(i));
          } else {
            reporter.count(ComparisonOutcome.REJECTED);
          }
          continue;
        }
        holdsPermit = true;
        if (carried == null) {
          carried = CarriedContext.capture(propagators, faults, trials);
        }
        trial = new Trial(i);
        trials.add(trial);
        runner.candidateExecutor().execute(new CandidateTask(trial, input, carried));
        holdsPermit = false;
      } catch (Throwable t) {
        if (holdsPermit) {
          runner.bulkhead().onComplete();
        }
        if (!(t instanceof RejectedExecutionException)) {
          faults.report(Hook.RUNNER, t);
        }
        if (trial != null) {
          trial.candidateDone(null, ComparisonOutcome.REJECTED);
        } else {
          reporter.countQuietly(ComparisonOutcome.REJECTED);
        }
      }
    }
    return trials;
  }

  private Trial rejectedTrial(int index) {
    Trial trial = new Trial(index);
    trial.candidateDone(null, ComparisonOutcome.REJECTED);
    return trial;
  }

  private void finishControl(List<Trial> trials, BehaviorRun<T> controlRun) {
    for (Trial trial : trials) {
      try {
        trial.controlDone(controlRun);
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
      }
    }
  }

  private void raiseIfMismatched(List<Trial> trials) {
    long waitMillis = runner.timeLimiter().getTimeLimiterConfig().getTimeoutDuration().toMillis() + 1_000;
    List<Result<?, ?>> mismatched = new ArrayList<>();
    for (Trial trial : trials) {
      try {
        Result<T, U> result = trial.done.get(waitMillis, TimeUnit.MILLISECONDS);
        if (result.mismatched()) {
          mismatched.add(result);
        }
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("Parallel run '{}': no result to check for a mismatch", name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!mismatched.isEmpty()) {
      throw new MismatchException(name, mismatched);
    }
  }

  /**
   * The trials of one call, and a fatal failure of a hook on the caller's thread, to rethrow after the control; it
   * is its own consumer of that failure, so that capturing the context allocates no lambda.
   */
  private final class Trials extends ArrayList<Trial> implements Consumer<Throwable> {
    private static final long serialVersionUID = 1L;
    private transient Throwable fatal;

    Trials(int capacity) {
      super(capacity);
    }

    /** Keeps the first fatal failure. */
    @Override
    public void accept(Throwable t) {
      if (fatal == null) {
        fatal = t;
      }
    }
  }

  /** One candidate's part of one call: it is compared when both the control and the candidate have arrived. */
  private final class Trial implements Runnable, Droppable {
    private final int index;
    /** Sides still to arrive (2, 1, 0); a field updated through {@code ARRIVALS}, not an object of its own. */
    private volatile int arrivals = 2;
    private final CompletableFuture<Result<T, U>> done = raiseOnMismatch ? new CompletableFuture<>() : null;
    private volatile BehaviorRun<T> controlRun;
    private volatile BehaviorRun<U> candidateRun;
    private volatile ComparisonOutcome forced;

    Trial(int index) {
      this.index = index;
    }

    /** On the caller's thread: when the candidate arrived first, the comparison is handed off, never run here. */
    void controlDone(BehaviorRun<T> run) {
      controlRun = run;
      if ((int) ARRIVALS.getAndAdd(this, -1) == 1) {
        try {
          runner.comparisonExecutor().execute(this);
        } catch (Throwable e) {
          dropped();
        }
      }
    }

    /** On a candidate thread or the time limiter's thread. */
    void candidateDone(BehaviorRun<U> run, ComparisonOutcome outcome) {
      candidateRun = run;
      forced = outcome;
      if ((int) ARRIVALS.getAndAdd(this, -1) == 1) {
        complete();
      }
    }

    /** On the comparison thread. */
    @Override
    public void run() {
      complete();
    }

    /** The comparison queue was full, or closed: counted as rejected. */
    @Override
    public void dropped() {
      reporter.countQuietly(ComparisonOutcome.REJECTED);
      if (done != null) {
        done.complete(result(ComparisonOutcome.REJECTED, null));
      }
    }

    /** Judges, counts exactly once, keeps and publishes; never throws. */
    void complete() {
      Result<T, U> result;
      try {
        result = comparison.judge(index, controlRun, candidateRun, forced);
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        result = result(ComparisonOutcome.CANDIDATE_ERROR, t);
      }
      reporter.report(result);
      if (done != null) {
        done.complete(result != null ? result : result(ComparisonOutcome.MATCH, null));
      }
    }

    private Result<T, U> result(ComparisonOutcome outcome, Throwable failure) {
      return comparison.result(index, outcome, controlRun, candidateRun, null, null, List.of(), failure);
    }
  }

  /**
   * Runs one candidate on a runner thread; can be cancelled (interrupted) by the time limiter. Whatever the
   * candidate, the context propagators or the time limiter throw, the candidate arrives exactly once and the
   * bulkhead permit is released exactly once, in a {@code finally}.
   */
  private final class CandidateTask implements Runnable, Droppable, AfterRun {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;

    private final Trial trial;
    private final I input;
    private final CarriedContext carried;
    /** NEW, RUNNING, DONE or CANCELLED; a field updated through {@code STATE}, not an object of its own. */
    private volatile int state = NEW;
    /** Whether {@link #run()} took the task: then {@link #afterRun()} gives the bulkhead permit back. */
    private boolean ran;
    private final CompletableFuture<BehaviorRun<U>> observed = new CompletableFuture<>();
    private Thread thread;

    CandidateTask(Trial trial, I input, CarriedContext carried) {
      this.trial = trial;
      this.input = input;
      this.carried = carried;
    }

    @Override
    public void run() {
      if (!STATE.compareAndSet(this, NEW, RUNNING)) {
        return;
      }
      ran = true;
      synchronized (this) {
        thread = Thread.currentThread();
      }
      runner.candidateStarted();
      String candidateName = behaviors.candidateNames().get(trial.index);
      try {
        try {
          // The time limit starts here, on the candidate's thread, so that the caller never pays for scheduling it.
          runner.timeLimiter()
              .executeCompletionStage(runner.timeoutScheduler(), () -> observed)
              .whenComplete((run, error) -> {
                if (error == null) {
                  trial.candidateDone(run, null);
                } else {
                  cancel();
                  trial.candidateDone(null, ComparisonOutcome.TIMEOUT);
                }
              });
        } catch (Throwable e) {
          faults.report(Hook.RUNNER, e);
          observed.whenComplete((run, error) -> trial.candidateDone(run, null));
        }
        List<ContextPropagator.Scope> scopes = carried.open(faults);
        try {
          observed.complete(timer.run(candidateName, behaviors.candidates().get(trial.index), input));
        } finally {
          carried.close(scopes, faults);
        }
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        observed.complete(new BehaviorRun<>(candidateName, null, t, 0, -1));
      } finally {
        boolean overdue;
        synchronized (this) {
          thread = null;
          overdue = !STATE.compareAndSet(this, RUNNING, DONE);
          Thread.interrupted();
        }
        runner.candidateEnded(overdue);
      }
    }

    /**
     * The permit goes back only once the runner thread is looking for work again, so that a caller who takes it
     * finds that thread polling and wakes no other.
     */
    @Override
    public void afterRun() {
      if (ran) {
        ran = false;
        runner.bulkhead().onComplete();
      }
    }

    /** Dropped unrun at shutdown: the permit goes back and the candidate counts as rejected. */
    @Override
    public void dropped() {
      if (STATE.compareAndSet(this, NEW, CANCELLED)) {
        runner.bulkhead().onComplete();
        trial.candidateDone(null, ComparisonOutcome.REJECTED);
      }
    }

    void cancel() {
      if (STATE.compareAndSet(this, NEW, CANCELLED)) {
        runner.bulkhead().onComplete();
        return;
      }
      synchronized (this) {
        if (STATE.compareAndSet(this, RUNNING, CANCELLED) && thread != null) {
          runner.candidateOverdue();
          thread.interrupt();
        }
      }
    }
  }
}
