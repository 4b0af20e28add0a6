package dev.progressive.toggles.internal.logic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A literal, or a subtree folded at compile time. Its value is immutable (lists and maps are unmodifiable). */
final class Const extends Expr {

  static final Const NULL = new Const(null);
  static final Const TRUE = new Const(Boolean.TRUE);
  static final Const FALSE = new Const(Boolean.FALSE);
  /** Stands for an absent argument where JS would coerce {@code undefined} to NaN. */
  static final Const NAN = new Const(Double.NaN);

  private final Object value;

  Const(Object value) {
    this.value = value;
  }

  static Const of(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof Boolean b) {
      return b ? TRUE : FALSE;
    }
    if (value instanceof String s) {
      // Interned: a rule's variant names then are the very instances the flag's outcome table is keyed by.
      return new Const(s.intern());
    }
    return new Const(value);
  }

  /** A value computed at compile time, made safe to share: lists and maps become unmodifiable copies. */
  static Const folded(Object value) {
    if (value instanceof List<?> list) {
      return of(Collections.unmodifiableList(new ArrayList<>(list)));
    }
    if (value instanceof Map<?, ?> map) {
      return of(Collections.unmodifiableMap(new LinkedHashMap<>(map)));
    }
    return of(value);
  }

  Object value() {
    return value;
  }

  @Override
  public Object eval(Object data) {
    return value;
  }

  @Override
  public boolean isConstant() {
    return true;
  }
}
