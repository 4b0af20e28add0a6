package dev.progressive.toggles.internal.logic;

import java.util.ArrayList;
import java.util.List;

/** A JSON array in a rule whose elements are rules: each evaluation gives a new list of their values. */
final class ArrayLiteral extends Expr {

  private final Expr[] elements;

  ArrayLiteral(Expr[] elements) {
    this.elements = elements;
  }

  @Override
  public Object eval(Object data) {
    List<Object> out = new ArrayList<>(elements.length);
    for (int i = 0; i < elements.length; i++) {
      out.add(elements[i].eval(data));
    }
    return out;
  }
}
