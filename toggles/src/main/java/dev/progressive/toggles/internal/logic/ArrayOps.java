package dev.progressive.toggles.internal.logic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operators over arrays: {@code map}, {@code filter}, {@code reduce}, {@code all}, {@code none}, {@code some},
 * {@code merge} and {@code in}. The per-element rule of the first six sees the element as its data ({@code reduce}:
 * a map with {@code current} and {@code accumulator}).
 */
final class ArrayOps {

  private ArrayOps() {}

  /** The kinds of iteration that share one shape: a list and a rule applied to each element. */
  enum Kind {
    MAP, FILTER, ALL, NONE, SOME
  }

  /** {@code map}, {@code filter}, {@code all}, {@code none} and {@code some}. A non-array is treated as []. */
  static final class Iterate extends Expr {
    private final Kind kind;
    private final Expr source;
    private final Expr logic;
    private final long costPerElement;

    /**
     * @param logicSize the size of the per-element rule, once its {@code $ref}s are expanded: the work that each
     *     element costs
     */
    Iterate(Kind kind, Expr source, Expr logic, long logicSize) {
      this.kind = kind;
      this.source = source;
      this.logic = logic;
      this.costPerElement = 1 + logicSize;
    }

    @Override
    public Object eval(Object data) {
      Budget budget = Budget.current();
      boolean armed = budget.arm(data);
      try {
        return iterate(data, budget);
      } finally {
        if (armed) {
          budget.disarm();
        }
      }
    }

    private Object iterate(Object data, Budget budget) {
      Object items = source.eval(data);
      List<?> list = items instanceof List<?> l ? l : List.of();
      int n = list.size();
      // Charged up front for the lists built whole, as they go for the ones that may stop early.
      if (kind == Kind.MAP || kind == Kind.FILTER) {
        budget.spend(n * costPerElement);
      }
      switch (kind) {
        case MAP: {
          List<Object> out = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            out.add(logic.eval(list.get(i)));
          }
          return out;
        }
        case FILTER: {
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            Object item = list.get(i);
            if (JavaScriptSemantics.truthy(logic.eval(item))) {
              out.add(item);
            }
          }
          return out;
        }
        case ALL: {
          if (n == 0) {
            return Boolean.FALSE;
          }
          for (int i = 0; i < n; i++) {
            budget.spend(costPerElement);
            if (!JavaScriptSemantics.truthy(logic.eval(list.get(i)))) {
              return Boolean.FALSE;
            }
          }
          return Boolean.TRUE;
        }
        case NONE:
        case SOME: {
          boolean any = false;
          for (int i = 0; i < n && !any; i++) {
            budget.spend(costPerElement);
            any = JavaScriptSemantics.truthy(logic.eval(list.get(i)));
          }
          return JavaScriptSemantics.bool(kind == Kind.SOME ? any : !any);
        }
        default:
          throw new AssertionError(kind);
      }
    }
  }

  /** {@code reduce}: folds the list from the start value (null when absent); a non-array gives the start value. */
  static final class Reduce extends Expr {
    private final Expr source;
    private final Expr logic;
    private final Expr initial;
    private final long costPerElement;

    /** @param logicSize the size of the per-element rule, once its {@code $ref}s are expanded */
    Reduce(Expr source, Expr logic, Expr initial, long logicSize) {
      this.source = source;
      this.logic = logic;
      this.initial = initial;
      this.costPerElement = 1 + logicSize;
    }

    @Override
    public Object eval(Object data) {
      Budget budget = Budget.current();
      boolean armed = budget.arm(data);
      try {
        return reduce(data, budget);
      } finally {
        if (armed) {
          budget.disarm();
        }
      }
    }

    private Object reduce(Object data, Budget budget) {
      Object items = source.eval(data);
      Object accumulator = initial.eval(data);
      if (!(items instanceof List<?> list)) {
        return accumulator;
      }
      for (int i = 0, n = list.size(); i < n; i++) {
        budget.spend(costPerElement);
        Map<String, Object> frame = new HashMap<>(4);
        frame.put("current", list.get(i));
        frame.put("accumulator", accumulator);
        accumulator = logic.eval(frame);
      }
      return accumulator;
    }
  }

  /** {@code merge}: arrays are flattened one level, other values appended. */
  static final class Merge extends Expr {
    private final Expr[] args;

    Merge(Expr[] args) {
      this.args = args;
    }

    @Override
    public Object eval(Object data) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        Object v = args[i].eval(data);
        int more = v instanceof List<?> l ? l.size() : 1;
        if (out.size() + more > Limits.MAX_LIST_ELEMENTS) {
          throw new LimitExceededException("merge would make a list longer than " + Limits.MAX_LIST_ELEMENTS
              + " elements");
        }
        if (v instanceof List<?> l) {
          out.addAll(l);
        } else {
          out.add(v);
        }
      }
      Budget.chargeLength(out.size());
      return out;
    }
  }

  /**
   * {@code in}: substring of a string (the needle converted to a string), or strict membership in an array; false
   * for anything else, and for an empty string as the haystack (JS's {@code !b} test).
   */
  static final class In extends Expr {
    private final Expr needle;
    private final Expr haystack;

    In(Expr needle, Expr haystack) {
      this.needle = needle;
      this.haystack = haystack;
    }

    @Override
    public Object eval(Object data) {
      Object a = needle.eval(data);
      Object b = haystack.eval(data);
      if (b instanceof String s) {
        if (s.isEmpty()) {
          return Boolean.FALSE;
        }
        Budget.chargeLength(s.length());
        String part = a instanceof String as ? as : JavaScriptSemantics.toJsString(a);
        return JavaScriptSemantics.bool(s.contains(part));
      }
      if (b instanceof List<?> list) {
        Budget.chargeLength(list.size());
        for (int i = 0, n = list.size(); i < n; i++) {
          if (JavaScriptSemantics.strictEquals(a, list.get(i))) {
            return Boolean.TRUE;
          }
        }
      }
      return Boolean.FALSE;
    }
  }
}
