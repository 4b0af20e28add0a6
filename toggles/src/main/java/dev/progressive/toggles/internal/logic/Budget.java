package dev.progressive.toggles.internal.logic;

/**
 * The work left to the iterations of one rule on this thread: see {@link Limits#MAX_WORK}.
 *
 * <p>Only the iterations and the producers of long strings and lists touch it, never the common evaluation paths. The
 * outermost iteration of a rule (or the compiler, while it folds a constant) arms it and disarms it when done; the
 * iterations nested in it spend from the same budget. Nothing stays armed between evaluations.
 */
final class Budget {

  private static final ThreadLocal<Budget> CURRENT = ThreadLocal.withInitial(Budget::new);

  private boolean armed;
  private long left;
  /** The evaluation that the budget was last armed for; the data holds no user data once it is done. */
  private RootData lastRoot;
  private long lastEvaluation;
  /** Whether the compiler armed it. */
  private boolean compiling;

  private Budget() {}

  /** This thread's budget. */
  static Budget current() {
    return CURRENT.get();
  }

  /**
   * Arms the budget unless it is armed already. It starts full, except when it is armed again in the same evaluation
   * (the same {@link RootData} and {@link RootData#evaluation()}): the iterations of one evaluation share one budget.
   *
   * @param data the data of the armed node: the {@link RootData} of an evaluation, or anything else (null while the
   *     compiler folds) for a budget of its own
   * @return whether this call armed it, and so must {@link #disarm()} it
   */
  boolean arm(Object data) {
    if (armed) {
      return false;
    }
    armed = true;
    compiling = false;
    if (data instanceof RootData root && root == lastRoot && root.evaluation() != 0
        && root.evaluation() == lastEvaluation) {
      return true;
    }
    left = Limits.MAX_WORK;
    if (data instanceof RootData root) {
      lastRoot = root;
      lastEvaluation = root.evaluation();
    } else {
      lastRoot = null;
    }
    return true;
  }

  /**
   * Arms the budget with the given work, for the compiler's folding (whose budget is the smaller of a flag's and
   * what is left of its document's); does nothing when it is armed already.
   *
   * @return whether this call armed it, and so must {@link #disarm()} it
   */
  boolean armForCompile(long work) {
    if (armed) {
      return false;
    }
    armed = true;
    compiling = true;
    left = work;
    lastRoot = null;
    return true;
  }

  /** The work left; may be below 0 once {@link #spend} has thrown. */
  long left() {
    return left;
  }

  /** The data of the evaluation whose iterations are running, or null. */
  RootData root() {
    return armed ? lastRoot : null;
  }

  void disarm() {
    armed = false;
  }

  /**
   * Spends work; does nothing while no iteration is running (work outside iterations is bounded by the size of the
   * rule).
   *
   * @throws LimitExceededException when the budget is spent
   */
  void spend(long work) {
    if (!armed) {
      return;
    }
    left -= work;
    if (left < 0) {
      throw new LimitExceededException(lastRoot == null && compiling
          ? "folding the constants of the rule (or of its document) takes more than the work limit"
          : "the rule does more than " + Limits.MAX_WORK
              + " units of work in its iterations (map, filter, reduce, all, some, none)");
    }
  }

  /** Charges the production of a long string or list, when it is long enough to matter. */
  static void chargeLength(int length) {
    if (length > 256) {
      current().spend(length / 16);
    }
  }
}
