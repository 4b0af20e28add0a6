package dev.progressive.toggles.internal.definition;

/** The one type that all variants of a flag share. */
public enum VariantType {
  BOOLEAN("boolean"),
  STRING("string"),
  /** Whole numbers only. */
  INTEGER("integer"),
  /** Numbers, at least one of them with a fraction; whole ones are read as floats too. */
  FLOAT("float"),
  /** JSON objects (and arrays). */
  OBJECT("object");

  private final String label;

  VariantType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
