package dev.progressive.parallelrun;

import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.parallelrun.diff.Difference;
import dev.progressive.parallelrun.diff.StructuralDiff;
import dev.progressive.parallelrun.internal.Droppable;
import dev.progressive.parallelrun.internal.ExperimentMeters;
import dev.progressive.parallelrun.internal.Faults;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import dev.progressive.parallelrun.internal.KeptMismatches;
import dev.progressive.parallelrun.internal.MismatchLog;
import dev.progressive.parallelrun.internal.MismatchStore;
import dev.progressive.parallelrun.internal.Throwables;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A parallel run: the control (the old implementation) always answers; one or more candidates (the new ones) run
 * beside it with the same input, and each candidate's value or exception is compared with the control's.
 *
 * <pre>{@code
 * Experiment<Long, Price, Price> pricing = Experiment.<Long, Price, Price>builder("pricing", runner)
 *     .control(legacy::price)
 *     .candidate("rewrite", rewrite::price)
 *     .build();
 * Price price = pricing.run(orderId);   // always legacy's answer, or legacy's exception
 * }</pre>
 *
 * <p>Guarantees: the control always runs; its value is returned unchanged and its exception is thrown as the same
 * instance. No {@link Throwable} from a user hook (enable switch, sampler, candidate, comparator, exception
 * comparator, ignore rules, cleaner, publishers, context propagators), from the diff, a {@code null} on either side,
 * a full bulkhead or a timed-out candidate throws into the caller or changes its result, in either mode; every
 * sampled call counts exactly one outcome per candidate. The exceptions: a {@link VirtualMachineError} other than
 * {@link StackOverflowError} thrown on the caller's thread is rethrown once the control has answered, and
 * {@link Builder#raiseOnMismatch(boolean)}, for tests. When disabled or not sampled, {@link #run} allocates nothing
 * and calls the control directly.
 *
 * @param <I> the input type
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
public final class Experiment<I, T, U> {

  private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final String name;
  private final ParallelRunner runner;
  private final Mode mode;
  private final Behavior<I, T> control;
  private final List<String> candidateNames;
  private final List<Behavior<I, ? extends U>> candidates;
  private final ResultComparator<? super T, ? super U> comparator;
  private final ExceptionComparator exceptionComparator;
  private final List<IgnoreRule<T, U>> ignoreRules;
  private final Function<? super T, ?> controlCleaner;
  private final Function<? super U, ?> candidateCleaner;
  private final StructuralDiff diff;
  private final BooleanSupplier enabled;
  private final double sampleRate;
  private final Predicate<? super I> sampler;
  private final Map<String, Object> context;
  private final List<Publisher> publishers;
  private final List<ContextPropagator> propagators;
  private final boolean raiseOnMismatch;
  private final boolean measureCpu;
  private final boolean needsResults;
  private final ExperimentMeters meters;
  private final MismatchStore mismatches;
  private final MismatchLog mismatchLog;
  private final KeptMismatches kept;
  private final HookFaults faults;
  private final boolean customComparator;

  private Experiment(Builder<I, T, U> b) {
    this.name = b.name;
    this.runner = b.runner;
    this.mode = b.mode;
    this.control = b.control;
    this.candidateNames = List.copyOf(b.candidates.keySet());
    this.candidates = List.copyOf(b.candidates.values());
    this.diff = StructuralDiff.of(b.diffOptions);
    this.customComparator = b.comparator != null;
    this.comparator = b.comparator != null ? b.comparator : diff::equivalent;
    this.exceptionComparator = b.exceptionComparator;
    this.ignoreRules = List.copyOf(b.ignoreRules);
    this.controlCleaner = b.controlCleaner;
    this.candidateCleaner = b.candidateCleaner;
    this.enabled = b.enabled;
    this.sampleRate = b.sampleRate;
    this.sampler = b.sampler;
    this.context = Map.copyOf(b.context);
    this.publishers = List.copyOf(b.publishers);
    this.propagators = List.copyOf(b.propagators);
    this.raiseOnMismatch = b.raiseOnMismatch;
    this.measureCpu = b.measureCpu && THREADS.isCurrentThreadCpuTimeSupported();
    this.needsResults = !publishers.isEmpty() || raiseOnMismatch;
    this.meters = new ExperimentMeters(runner.meterRegistry(), name);
    this.mismatches = new MismatchStore(b.keepMismatches);
    this.kept = new KeptMismatches(diff, b.keepMismatches, b.keepMismatchBytes);
    Logger mismatchLogger = LoggerFactory.getLogger(Experiment.class.getName() + "." + name);
    this.mismatchLog = new MismatchLog(runner.clock(), runner.mismatchLogLimit(), runner.mismatchLogInterval(),
        mismatchLogger::warn);
    this.faults = new HookFaults(name, LOG::warn, runner.clock(), runner.mismatchLogLimit(), runner.mismatchLogInterval());
  }

  /**
   * Starts a builder.
   *
   * @param name the experiment's name, the {@code experiment} meter tag; unique per runner
   * @param runner the runner that owns the threads and meters
   * @param <I> the input type
   * @param <T> the control's value type
   * @param <U> the candidates' value type
   * @return a builder
   */
  public static <I, T, U> Builder<I, T, U> builder(String name, ParallelRunner runner) {
    return new Builder<>(name, runner);
  }

  /** The experiment's name. */
  public String name() {
    return name;
  }

  /** How candidates run. */
  public Mode mode() {
    return mode;
  }

  /** The candidates' names, in the order they were added. */
  public List<String> candidateNames() {
    return candidateNames;
  }

  /** The experiment's context map. */
  public Map<String, Object> context() {
    return context;
  }

  /** The most recent mismatches, oldest first, at most {@link Builder#keepMismatches(int)} of them. */
  public List<Mismatch> recentMismatches() {
    return mismatches.recent();
  }

  /**
   * Runs the control, and the candidates when enabled and sampled, and returns the control's result.
   *
   * @param input the input given to every behaviour
   * @return the control's value, unchanged
   * @throws Exception the control's exception, the same instance; or a {@link MismatchException} when the
   *     experiment was built with {@code raiseOnMismatch(true)}
   */
  public T run(I input) throws Exception {
    if (runner.isClosed()) {
      return control.call(input);
    }
    boolean on;
    try {
      on = enabled.getAsBoolean();
    } catch (Throwable t) {
      return controlAlone(input, Hook.ENABLE_SWITCH, t);
    }
    if (!on) {
      return control.call(input);
    }
    boolean sampled;
    try {
      sampled = sampler != null ? sampler.test(input)
          : sampleRate >= 1.0 || ThreadLocalRandom.current().nextDouble() < sampleRate;
    } catch (Throwable t) {
      return controlAlone(input, Hook.SAMPLER, t);
    }
    if (!sampled) {
      return control.call(input);
    }
    return mode == Mode.ASYNC ? runAsync(input) : runSequential(input);
  }

  /**
   * The enable switch or the sampler threw: the control runs alone. A failure the JVM cannot survive is rethrown,
   * but only after the control has answered.
   */
  private T controlAlone(I input, Hook hook, Throwable fault) throws Exception {
    faults.report(hook, fault);
    T value = control.call(input);
    if (Faults.isFatal(fault)) {
      throw Throwables.rethrow(fault);
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------------------- async

  private T runAsync(I input) throws Exception {
    Trials trials = startCandidates(input);
    long cpuStart = cpuNow();
    long start = System.nanoTime();
    T value = null;
    Throwable thrown = null;
    try {
      value = control.call(input);
    } catch (Throwable t) {
      thrown = t;
    }
    long wall = System.nanoTime() - start;
    finishControl(trials, new Observation<>("control", value, thrown, wall, cpuSince(cpuStart)));
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
    Trials trials = new Trials(candidates.size());
    Carried carried = null;
    for (int i = 0; i < candidates.size(); i++) {
      Trial trial = null;
      boolean holdsPermit = false;
      try {
        if (!runner.bulkhead().tryAcquirePermission()) {
          if (needsResults) {
            trials.add(rejectedTrial(i));
          } else {
            meters.count(Outcome.REJECTED);
          }
          continue;
        }
        holdsPermit = true;
        if (carried == null) {
          carried = captureContext(trials);
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
          trial.candidateDone(null, Outcome.REJECTED);
        } else {
          countQuietly(Outcome.REJECTED);
        }
      }
    }
    return trials;
  }

  private void countQuietly(Outcome outcome) {
    try {
      meters.count(outcome);
    } catch (Throwable t) {
      faults.report(Hook.RUNNER, t);
    }
  }

  private Trial rejectedTrial(int index) {
    Trial trial = new Trial(index);
    trial.candidateDone(null, Outcome.REJECTED);
    return trial;
  }

  private void finishControl(List<Trial> trials, Observation<T> observation) {
    for (Trial trial : trials) {
      try {
        trial.controlDone(observation);
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

  /** The trials of one call, and a fatal failure of a hook on the caller's thread, to rethrow after the control. */
  private final class Trials extends ArrayList<Trial> {
    private static final long serialVersionUID = 1L;
    private transient Throwable fatal;

    Trials(int capacity) {
      super(capacity);
    }
  }

  /** One candidate's part of one call: it is compared when both the control and the candidate have arrived. */
  private final class Trial implements Runnable, Droppable {
    private final int index;
    private final AtomicInteger arrivals = new AtomicInteger(2);
    private final CompletableFuture<Result<T, U>> done = raiseOnMismatch ? new CompletableFuture<>() : null;
    private volatile Observation<T> controlObservation;
    private volatile Observation<U> candidateObservation;
    private volatile Outcome forced;

    Trial(int index) {
      this.index = index;
    }

    /** On the caller's thread: when the candidate arrived first, the comparison is handed off, never run here. */
    void controlDone(Observation<T> observation) {
      controlObservation = observation;
      if (arrivals.decrementAndGet() == 0) {
        try {
          runner.comparisonExecutor().execute(this);
        } catch (Throwable e) {
          dropped();
        }
      }
    }

    /** On a candidate thread or the time limiter's thread. */
    void candidateDone(Observation<U> observation, Outcome outcome) {
      candidateObservation = observation;
      forced = outcome;
      if (arrivals.decrementAndGet() == 0) {
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
      countQuietly(Outcome.REJECTED);
      if (done != null) {
        done.complete(result(Outcome.REJECTED, null, null, List.of(), null));
      }
    }

    /** Judges, counts exactly once, keeps and publishes; never throws. */
    void complete() {
      Result<T, U> result;
      try {
        result = judge(index, controlObservation, candidateObservation, forced);
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        result = result(Outcome.CANDIDATE_ERROR, null, null, List.of(), t);
      }
      report(result);
      if (done != null) {
        done.complete(result != null ? result : result(Outcome.MATCH, null, null, List.of(), null));
      }
    }

    Result<T, U> result(Outcome outcome, Object cleanedControl, Object cleanedCandidate,
        List<Difference> differences, Throwable failure) {
      return new Result<>(name, candidateNames.get(index), outcome, controlObservation, candidateObservation,
          cleanedControl, cleanedCandidate, differences, context, failure);
    }
  }

  /**
   * Runs one candidate on a runner thread; can be cancelled (interrupted) by the time limiter. Whatever the
   * candidate, the context propagators or the time limiter throw, the candidate arrives exactly once and the
   * bulkhead permit is released exactly once, in a {@code finally}.
   */
  private final class CandidateTask implements Runnable, Droppable {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;

    private final Trial trial;
    private final I input;
    private final Carried carried;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CompletableFuture<Observation<U>> observed = new CompletableFuture<>();
    private Thread thread;

    CandidateTask(Trial trial, I input, Carried carried) {
      this.trial = trial;
      this.input = input;
      this.carried = carried;
    }

    @Override
    public void run() {
      if (!state.compareAndSet(NEW, RUNNING)) {
        return;
      }
      synchronized (this) {
        thread = Thread.currentThread();
      }
      runner.candidateStarted();
      try {
        try {
          // The time limit starts here, on the candidate's thread, so that the caller never pays for scheduling it.
          runner.timeLimiter()
              .executeCompletionStage(runner.timeoutScheduler(), () -> observed)
              .whenComplete((observation, error) -> {
                if (error == null) {
                  trial.candidateDone(observation, null);
                } else {
                  cancel();
                  trial.candidateDone(null, Outcome.TIMEOUT);
                }
              });
        } catch (Throwable e) {
          faults.report(Hook.RUNNER, e);
          observed.whenComplete((observation, error) -> trial.candidateDone(observation, null));
        }
        List<ContextPropagator.Scope> scopes = carried.open(faults);
        try {
          observed.complete(observe(candidateNames.get(trial.index), candidates.get(trial.index), input));
        } finally {
          carried.close(scopes, faults);
        }
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        observed.complete(new Observation<>(candidateNames.get(trial.index), null, t, 0, -1));
      } finally {
        boolean overdue;
        synchronized (this) {
          thread = null;
          overdue = !state.compareAndSet(RUNNING, DONE);
          Thread.interrupted();
        }
        runner.candidateEnded(overdue);
        runner.bulkhead().onComplete();
      }
    }

    /** Dropped unrun at shutdown: the permit goes back and the candidate counts as rejected. */
    @Override
    public void dropped() {
      if (state.compareAndSet(NEW, CANCELLED)) {
        runner.bulkhead().onComplete();
        trial.candidateDone(null, Outcome.REJECTED);
      }
    }

    void cancel() {
      if (state.compareAndSet(NEW, CANCELLED)) {
        runner.bulkhead().onComplete();
        return;
      }
      synchronized (this) {
        if (state.compareAndSet(RUNNING, CANCELLED) && thread != null) {
          runner.candidateOverdue();
          thread.interrupt();
        }
      }
    }
  }

  // ----------------------------------------------------------------------------------------------------- sequential

  private T runSequential(I input) throws Exception {
    if (candidates.size() == 1) {
      return runSequentialOne(input);
    }
    int n = candidates.size();
    int[] order = new int[n + 1];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 1; i <= n; i++) {
      int j = random.nextInt(i + 1);
      order[i] = order[j];
      order[j] = i;
    }
    Observation<T> controlObservation = null;
    List<Observation<U>> observations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      observations.add(null);
    }
    for (int step : order) {
      if (step == 0) {
        controlObservation = observe("control", control, input);
      } else {
        observations.set(step - 1, observe(candidateNames.get(step - 1), candidates.get(step - 1), input));
      }
    }
    List<Result<?, ?>> mismatched = raiseOnMismatch ? new ArrayList<>() : null;
    Throwable fatal = null;
    for (int i = 0; i < n; i++) {
      Result<T, U> result = judgeQuietly(i, controlObservation, observations.get(i));
      Throwable failure = report(result);
      if (fatal == null) {
        fatal = failure;
      }
      if (mismatched != null && result != null && result.mismatched()) {
        mismatched.add(result);
      }
    }
    return answer(controlObservation, fatal, mismatched);
  }

  /** The common case of one candidate, with no list and one clock read fewer. */
  private T runSequentialOne(I input) throws Exception {
    Behavior<I, ? extends U> candidate = candidates.get(0);
    String candidateName = candidateNames.get(0);
    Observation<T> controlObservation;
    Observation<U> candidateObservation;
    long cpuStart = cpuNow();
    long start = System.nanoTime();
    if (ThreadLocalRandom.current().nextBoolean()) {
      controlObservation = observeFrom(start, cpuStart, "control", control, input);
      candidateObservation = observeFrom(start + controlObservation.wallTimeNanos(),
          cpuStart < 0 ? -1 : cpuStart + controlObservation.cpuTimeNanos(), candidateName, candidate, input);
    } else {
      candidateObservation = observeFrom(start, cpuStart, candidateName, candidate, input);
      controlObservation = observeFrom(start + candidateObservation.wallTimeNanos(),
          cpuStart < 0 ? -1 : cpuStart + candidateObservation.cpuTimeNanos(), "control", control, input);
    }
    Result<T, U> result = judgeQuietly(0, controlObservation, candidateObservation);
    Throwable fatal = report(result);
    List<Result<?, ?>> mismatched = raiseOnMismatch && result != null && result.mismatched() ? List.of(result) : null;
    return answer(controlObservation, fatal, mismatched);
  }

  /** Judges on the caller's thread; never throws. */
  private Result<T, U> judgeQuietly(int index, Observation<T> controlObs, Observation<U> candidateObs) {
    try {
      return judge(index, controlObs, candidateObs, null);
    } catch (Throwable t) {
      faults.report(Hook.RUNNER, t);
      return new Result<>(name, candidateNames.get(index), Outcome.CANDIDATE_ERROR, controlObs, candidateObs, null,
          null, List.of(), context, t);
    }
  }

  /** The control's answer; a fatal failure of a hook, once the control has answered, instead. */
  private T answer(Observation<T> controlObservation, Throwable fatal, List<Result<?, ?>> mismatched)
      throws Exception {
    if (fatal != null) {
      throw Throwables.rethrow(fatal);
    }
    if (mismatched != null && !mismatched.isEmpty()) {
      throw new MismatchException(name, mismatched);
    }
    if (controlObservation.threw()) {
      throw Throwables.rethrow(controlObservation.exception());
    }
    return controlObservation.value();
  }

  // ------------------------------------------------------------------------------------------------------- judging

  private <V> Observation<V> observe(String behaviorName, Behavior<I, ? extends V> behavior, I input) {
    long cpuStart = cpuNow();
    return observeFrom(System.nanoTime(), cpuStart, behaviorName, behavior, input);
  }

  /** Runs a behaviour whose clocks were read just before, so that back-to-back behaviours share a reading. */
  private <V> Observation<V> observeFrom(long start, long cpuStart, String behaviorName,
      Behavior<I, ? extends V> behavior, I input) {
    V value = null;
    Throwable thrown = null;
    try {
      value = behavior.call(input);
    } catch (Throwable t) {
      thrown = t;
    }
    long wall = System.nanoTime() - start;
    return new Observation<>(behaviorName, value, thrown, wall, cpuSince(cpuStart));
  }

  /**
   * Compares; returns {@code null} for a match that nobody needs to see (no publisher, no raise-on-mismatch). A
   * hook that throws, whatever it throws, gives {@link Outcome#CANDIDATE_ERROR} with the failure.
   */
  private Result<T, U> judge(int index, Observation<T> controlObs, Observation<U> candidateObs, Outcome forced) {
    String candidateName = candidateNames.get(index);
    if (index == 0) {
      meters.control(controlObs.wallTimeNanos());
    }
    if (forced != null) {
      return new Result<>(name, candidateName, forced, controlObs, null, null, null, List.of(), context, null);
    }
    meters.candidate(candidateObs.wallTimeNanos());
    Hook hook = Hook.RUNNER;
    try {
      boolean equivalent;
      if (controlObs.threw() && candidateObs.threw()) {
        hook = Hook.EXCEPTION_COMPARATOR;
        equivalent = exceptionComparator.equivalent(controlObs.exception(), candidateObs.exception());
      } else if (controlObs.threw() || candidateObs.threw()) {
        equivalent = false;
      } else {
        hook = customComparator ? Hook.COMPARATOR : Hook.DIFF;
        equivalent = comparator.equivalent(controlObs.value(), candidateObs.value());
      }
      if (equivalent) {
        return needsResults ? new Result<>(name, candidateName, Outcome.MATCH, controlObs, candidateObs, null, null,
            List.of(), context, null) : null;
      }
      hook = Hook.IGNORE_RULE;
      Outcome outcome = Outcome.MISMATCH;
      for (IgnoreRule<T, U> rule : ignoreRules) {
        if (rule.ignore(controlObs, candidateObs)) {
          outcome = Outcome.IGNORED;
          break;
        }
      }
      hook = Hook.CLEANER;
      Object cleanedControl = controlObs.threw() ? describe(controlObs.exception())
          : controlCleaner.apply(controlObs.value());
      Object cleanedCandidate = candidateObs.threw() ? describe(candidateObs.exception())
          : candidateCleaner.apply(candidateObs.value());
      hook = Hook.DIFF;
      List<Difference> differences;
      if (controlObs.threw() || candidateObs.threw()) {
        differences = List.of(diff.whole("$", cleanedControl, cleanedCandidate));
      } else {
        differences = diff.diff(cleanedControl, cleanedCandidate);
        if (differences.isEmpty()) {
          differences = List.of(diff.whole("$", cleanedControl, cleanedCandidate));
        }
      }
      return new Result<>(name, candidateName, outcome, controlObs, candidateObs, cleanedControl, cleanedCandidate,
          differences, context, null);
    } catch (Throwable e) {
      faults.report(hook, e);
      return new Result<>(name, candidateName, Outcome.CANDIDATE_ERROR, controlObs, candidateObs, null, null,
          List.of(), context, e);
    }
  }

  private static String describe(Throwable t) {
    return "threw " + Faults.describe(t);
  }

  /**
   * Counts the result exactly once, then keeps, logs and publishes it; never throws.
   *
   * @return a failure the JVM cannot survive, from the result or a publisher, for the caller's thread to rethrow
   *     after the control has answered; {@code null} otherwise
   */
  private Throwable report(Result<T, U> result) {
    countQuietly(result == null ? Outcome.MATCH : result.outcome());
    if (result == null) {
      return null;
    }
    Throwable fatal = result.failure() != null && Faults.isFatal(result.failure()) ? result.failure() : null;
    if (result.outcome() == Outcome.MISMATCH) {
      try {
        mismatches.add(kept.keep(result, mismatches.nextSequence(), runner.clock().instant()));
        mismatchLog.log(KeptMismatches.signature(result), () -> "Parallel run '" + name + "': candidate '" + result.candidateName() + "' mismatched: "
            + KeptMismatches.summary(result.differences()));
      } catch (Throwable t) {
        faults.report(Hook.RUNNER, t);
        fatal = fatal != null || !Faults.isFatal(t) ? fatal : t;
      }
    }
    for (Publisher publisher : publishers) {
      try {
        publisher.publish(result);
      } catch (Throwable t) {
        faults.report(Hook.PUBLISHER, t);
        fatal = fatal != null || !Faults.isFatal(t) ? fatal : t;
      }
    }
    return fatal;
  }

  private long cpuNow() {
    return measureCpu ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  private long cpuSince(long cpuStart) {
    return cpuStart < 0 ? -1 : THREADS.getCurrentThreadCpuTime() - cpuStart;
  }

  // ------------------------------------------------------------------------------------------------------- context

  /** Never throws: a propagator that fails is left out; a fatal failure is kept for the caller to rethrow. */
  private Carried captureContext(Trials trials) {
    Map<String, String> mdc = null;
    try {
      mdc = MDC.getCopyOfContextMap();
    } catch (Throwable t) {
      faults.report(Hook.PROPAGATOR_CAPTURE, t);
    }
    if (propagators.isEmpty()) {
      return new Carried(mdc, List.of());
    }
    List<ContextPropagator.Snapshot> snapshots = new ArrayList<>(propagators.size());
    for (ContextPropagator propagator : propagators) {
      try {
        ContextPropagator.Snapshot snapshot = propagator.capture();
        if (snapshot != null) {
          snapshots.add(snapshot);
        }
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_CAPTURE, t);
        if (trials.fatal == null && Faults.isFatal(t)) {
          trials.fatal = t;
        }
      }
    }
    return new Carried(mdc, snapshots);
  }

  /** The caller's context, carried to a candidate thread. */
  private record Carried(Map<String, String> mdc, List<ContextPropagator.Snapshot> snapshots) {

    /** Installs the context; never throws. A snapshot that fails to open is left out. */
    List<ContextPropagator.Scope> open(HookFaults faults) {
      try {
        if (mdc != null) {
          MDC.setContextMap(mdc);
        }
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_OPEN, t);
      }
      List<ContextPropagator.Scope> scopes = new ArrayList<>(snapshots.size());
      for (ContextPropagator.Snapshot snapshot : snapshots) {
        try {
          ContextPropagator.Scope scope = snapshot.open();
          if (scope != null) {
            scopes.add(scope);
          }
        } catch (Throwable t) {
          faults.report(Hook.PROPAGATOR_OPEN, t);
        }
      }
      return scopes;
    }

    /** Restores what was there before, in reverse order; never throws. */
    void close(List<ContextPropagator.Scope> scopes, HookFaults faults) {
      for (int i = scopes.size() - 1; i >= 0; i--) {
        try {
          scopes.get(i).close();
        } catch (Throwable t) {
          faults.report(Hook.PROPAGATOR_CLOSE, t);
        }
      }
      try {
        MDC.clear();
      } catch (Throwable t) {
        faults.report(Hook.PROPAGATOR_CLOSE, t);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------- builder

  /**
   * Builds an {@link Experiment}. Every setter checks its argument at once.
   *
   * @param <I> the input type
   * @param <T> the control's value type
   * @param <U> the candidates' value type
   */
  public static final class Builder<I, T, U> {
    private final String name;
    private final ParallelRunner runner;
    private Mode mode = Mode.ASYNC;
    private Behavior<I, T> control;
    private final Map<String, Behavior<I, ? extends U>> candidates = new LinkedHashMap<>();
    private ResultComparator<? super T, ? super U> comparator;
    private ExceptionComparator exceptionComparator = ExceptionComparator.SAME_CLASS_AND_MESSAGE;
    private final List<IgnoreRule<T, U>> ignoreRules = new ArrayList<>();
    private Function<? super T, ?> controlCleaner = Function.identity();
    private Function<? super U, ?> candidateCleaner = Function.identity();
    private DiffOptions diffOptions = DiffOptions.defaults();
    private BooleanSupplier enabled = () -> true;
    private double sampleRate = 1.0;
    private Predicate<? super I> sampler;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private final List<Publisher> publishers = new ArrayList<>();
    private final List<ContextPropagator> propagators = new ArrayList<>();
    private boolean raiseOnMismatch;
    private boolean measureCpu;
    private int keepMismatches = 100;
    private long keepMismatchBytes = 1L << 20;

    private Builder(String name, ParallelRunner runner) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("An experiment's name must not be blank");
      }
      this.name = name;
      this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * The control: the implementation that answers the caller.
     *
     * @param control the old implementation
     * @return this builder
     */
    public Builder<I, T, U> control(Behavior<I, T> control) {
      this.control = Objects.requireNonNull(control, "control");
      return this;
    }

    /**
     * Adds a candidate.
     *
     * @param candidateName its name, unique in this experiment
     * @param candidate the new implementation
     * @return this builder
     */
    public Builder<I, T, U> candidate(String candidateName, Behavior<I, ? extends U> candidate) {
      Objects.requireNonNull(candidateName, "candidateName");
      Objects.requireNonNull(candidate, "candidate");
      if (candidateName.isBlank() || candidateName.equals("control")) {
        throw new IllegalArgumentException("A candidate's name must not be blank or 'control', was '"
            + candidateName + "'");
      }
      if (candidates.putIfAbsent(candidateName, candidate) != null) {
        throw new IllegalArgumentException("Candidate '" + candidateName + "' was added twice");
      }
      return this;
    }

    /**
     * Replaces the default comparison of values. By default, values match when they are {@code equals}, or when
     * {@link StructuralDiff} with the {@link #diffOptions(DiffOptions)} finds no difference between them.
     *
     * @param comparator the comparator
     * @return this builder
     */
    public Builder<I, T, U> comparator(ResultComparator<? super T, ? super U> comparator) {
      this.comparator = Objects.requireNonNull(comparator, "comparator");
      return this;
    }

    /**
     * Replaces the comparison of exceptions (by default: same class and message).
     *
     * @param exceptionComparator the comparator
     * @return this builder
     */
    public Builder<I, T, U> exceptionComparator(ExceptionComparator exceptionComparator) {
      this.exceptionComparator = Objects.requireNonNull(exceptionComparator, "exceptionComparator");
      return this;
    }

    /**
     * Adds a rule that can excuse a mismatch.
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder<I, T, U> ignore(IgnoreRule<T, U> rule) {
      ignoreRules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /**
     * Cleans values before they are diffed, kept and published, for instance to redact secrets or keep only what
     * matters. Not used for the comparison itself.
     *
     * @param controlCleaner for the control's values
     * @param candidateCleaner for the candidates' values
     * @return this builder
     */
    public Builder<I, T, U> cleaner(Function<? super T, ?> controlCleaner, Function<? super U, ?> candidateCleaner) {
      this.controlCleaner = Objects.requireNonNull(controlCleaner, "controlCleaner");
      this.candidateCleaner = Objects.requireNonNull(candidateCleaner, "candidateCleaner");
      return this;
    }

    /**
     * How mismatching values are diffed: ignored paths, numeric tolerance, array order.
     *
     * @param options the options
     * @return this builder
     */
    public Builder<I, T, U> diffOptions(DiffOptions options) {
      this.diffOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * A switch read on every call, before anything else; when it returns {@code false}, only the control runs.
     * Keep it cheap, such as a volatile read or a flag lookup.
     *
     * @param enabled the switch
     * @return this builder
     */
    public Builder<I, T, U> enabled(BooleanSupplier enabled) {
      this.enabled = Objects.requireNonNull(enabled, "enabled");
      return this;
    }

    /**
     * Runs the candidates on this share of calls, chosen at random.
     *
     * @param rate from 0 to 1
     * @return this builder
     */
    public Builder<I, T, U> sampleRate(double rate) {
      if (!(rate >= 0.0 && rate <= 1.0)) {
        throw new IllegalArgumentException("sampleRate must be between 0 and 1, was " + rate);
      }
      this.sampleRate = rate;
      this.sampler = null;
      return this;
    }

    /**
     * Runs the candidates on the calls whose input passes this predicate; replaces {@link #sampleRate(double)}.
     *
     * @param sampler the predicate
     * @return this builder
     */
    public Builder<I, T, U> sampler(Predicate<? super I> sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /**
     * Adds an entry to the context map given with every result.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder<I, T, U> context(String key, Object value) {
      context.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds a publisher of results.
     *
     * @param publisher the publisher
     * @return this builder
     */
    public Builder<I, T, U> publisher(Publisher publisher) {
      publishers.add(Objects.requireNonNull(publisher, "publisher"));
      return this;
    }

    /**
     * Carries more thread-bound context to the candidate threads (MDC is always carried).
     *
     * @param propagator the propagator
     * @return this builder
     */
    public Builder<I, T, U> contextPropagator(ContextPropagator propagator) {
      propagators.add(Objects.requireNonNull(propagator, "propagator"));
      return this;
    }

    /**
     * How candidates run; {@link Mode#ASYNC} by default.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder<I, T, U> mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * For tests: throw a {@link MismatchException} into the caller when a candidate mismatches. In
     * {@link Mode#ASYNC} the caller then waits for the candidates. Never turn this on in production.
     *
     * @param raise whether to raise
     * @return this builder
     */
    public Builder<I, T, U> raiseOnMismatch(boolean raise) {
      this.raiseOnMismatch = raise;
      return this;
    }

    /**
     * Measures each behaviour's CPU time on its thread, as well as its wall time.
     *
     * @param measure whether to measure
     * @return this builder
     */
    public Builder<I, T, U> measureCpuTime(boolean measure) {
      this.measureCpu = measure;
      return this;
    }

    /**
     * How many recent mismatches to keep in memory.
     *
     * @param count 0 or more; 100 by default
     * @return this builder
     */
    public Builder<I, T, U> keepMismatches(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("keepMismatches must not be negative, was " + count);
      }
      this.keepMismatches = count;
      return this;
    }

    /**
     * Bounds the memory of the kept mismatches, in estimated bytes, all of them together: each kept mismatch gets an
     * equal share (at least 1 KiB), and values or differences beyond it are cut, which the mismatch says
     * ({@link Mismatch#truncated()}).
     *
     * @param bytes at least 1 KiB; 1 MiB by default
     * @return this builder
     */
    public Builder<I, T, U> keepMismatchBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("keepMismatchBytes must be at least 1024, was " + bytes);
      }
      this.keepMismatchBytes = bytes;
      return this;
    }

    /**
     * Builds the experiment, resolves its meters and registers it on the runner.
     *
     * @return the experiment
     * @throws IllegalStateException without a control or a candidate
     * @throws IllegalArgumentException when the runner already has an experiment of this name
     */
    public Experiment<I, T, U> build() {
      if (control == null) {
        throw new IllegalStateException("Experiment '" + name + "' needs a control");
      }
      if (candidates.isEmpty()) {
        throw new IllegalStateException("Experiment '" + name + "' needs at least one candidate");
      }
      Experiment<I, T, U> experiment = new Experiment<>(this);
      runner.register(experiment);
      return experiment;
    }
  }
}
