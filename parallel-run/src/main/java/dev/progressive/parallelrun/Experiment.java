package dev.progressive.parallelrun;

import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.parallelrun.diff.StructuralDiff;
import dev.progressive.parallelrun.internal.Arguments;
import dev.progressive.parallelrun.internal.ExperimentMeters;
import dev.progressive.parallelrun.internal.Faults;
import dev.progressive.parallelrun.internal.HookFaults;
import dev.progressive.parallelrun.internal.HookFaults.Hook;
import dev.progressive.parallelrun.internal.KeptMismatches;
import dev.progressive.parallelrun.internal.MismatchLog;
import dev.progressive.parallelrun.internal.MismatchStore;
import dev.progressive.parallelrun.internal.Throwables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>This class holds the experiment's configuration and decides, per call, whether the candidates run. The work is
 * done by package-private parts, one job each: {@code AsyncRun} (trial and candidate task) and {@code SequentialRun}
 * run the behaviours, {@code Comparison} judges a pair, {@code ResultReporter} counts, keeps and publishes the
 * result, and {@code CarriedContext} carries the caller's MDC and propagated context to a candidate thread.
 *
 * @param <I> the input type
 * @param <T> the control's value type
 * @param <U> the candidates' value type
 */
public final class Experiment<I, T, U> {

  private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);

  private final String name;
  private final ParallelRunner runner;
  private final Mode mode;
  private final Behaviors<I, T, U> behaviors;
  private final BooleanSupplier enabled;
  private final double sampleRate;
  private final Predicate<? super I> sampler;
  private final Map<String, Object> context;
  private final HookFaults faults;
  private final ResultReporter<T, U> reporter;
  private final AsyncRun<I, T, U> async;
  private final SequentialRun<I, T, U> sequential;

  private Experiment(Builder<I, T, U> b) {
    this.name = b.name;
    this.runner = b.runner;
    this.mode = b.mode;
    this.behaviors = new Behaviors<>(b.control, new ArrayList<>(b.candidates.keySet()),
        new ArrayList<>(b.candidates.values()));
    this.enabled = b.enabled;
    this.sampleRate = b.sampleRate;
    this.sampler = b.sampler;
    this.context = Map.copyOf(b.context);
    boolean needsResults = !b.publishers.isEmpty() || b.raiseOnMismatch;
    StructuralDiff diff = StructuralDiff.of(b.diffOptions);
    ExperimentMeters meters = new ExperimentMeters(runner.meterRegistry(), name);
    this.faults = new HookFaults(name, LOG::warn, runner.clock(), runner.mismatchLogLimit(), runner.mismatchLogInterval());
    Comparison<T, U> comparison = new Comparison<>(name, behaviors.candidateNames(), b.comparator,
        b.exceptionComparator, b.ignoreRules, b.controlCleaner, b.candidateCleaner, diff, context, needsResults,
        meters, faults);
    Logger mismatchLogger = LoggerFactory.getLogger(Experiment.class.getName() + "." + name);
    MismatchLog mismatchLog = new MismatchLog(runner.clock(), runner.mismatchLogLimit(), runner.mismatchLogInterval(),
        mismatchLogger::warn);
    this.reporter = new ResultReporter<>(name, runner.clock(), meters, new MismatchStore(b.keepMismatches),
        new KeptMismatches(diff, b.keepMismatches, b.keepMismatchBytes), mismatchLog, b.publishers, faults);
    BehaviorTimer timer = new BehaviorTimer(b.measureCpu);
    this.async = new AsyncRun<>(name, runner, behaviors, b.propagators, comparison, reporter, timer, faults,
        needsResults, b.raiseOnMismatch);
    this.sequential = new SequentialRun<>(name, behaviors, comparison, reporter, timer, b.raiseOnMismatch);
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
    return behaviors.candidateNames();
  }

  /** The experiment's context map. */
  public Map<String, Object> context() {
    return context;
  }

  /** The most recent mismatches, oldest first, at most {@link Builder#keepMismatches(int)} of them. */
  public List<Mismatch> recentMismatches() {
    return reporter.recentMismatches();
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
      return behaviors.control().call(input);
    }
    boolean on;
    try {
      on = enabled.getAsBoolean();
    } catch (Throwable t) {
      return controlAlone(input, Hook.ENABLE_SWITCH, t);
    }
    if (!on) {
      return behaviors.control().call(input);
    }
    boolean sampled;
    try {
      sampled = sampler != null ? sampler.test(input)
          : sampleRate >= 1.0 || ThreadLocalRandom.current().nextDouble() < sampleRate;
    } catch (Throwable t) {
      return controlAlone(input, Hook.SAMPLER, t);
    }
    if (!sampled) {
      return behaviors.control().call(input);
    }
    return mode == Mode.ASYNC ? async.run(input) : sequential.run(input);
  }

  /**
   * The enable switch or the sampler threw: the control runs alone. A failure the JVM cannot survive is rethrown,
   * but only after the control has answered.
   */
  private T controlAlone(I input, Hook hook, Throwable fault) throws Exception {
    faults.report(hook, fault);
    T value = behaviors.control().call(input);
    if (Faults.isFatal(fault)) {
      throw Throwables.rethrow(fault);
    }
    return value;
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
    private final List<ResultPublisher> publishers = new ArrayList<>();
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
      this.sampleRate = Arguments.rate(rate, "sampleRate");
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
    public Builder<I, T, U> publisher(ResultPublisher publisher) {
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
      this.keepMismatches = Arguments.notNegative(count, "keepMismatches");
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
      this.keepMismatchBytes = Arguments.atLeast(bytes, 1024L, "keepMismatchBytes");
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
