package dev.progressive.toggles.internal.logic;

/**
 * The variant that a {@code fractional} rule chose, when that rule decides the flag (it is the targeting's result,
 * or a branch of an {@code if} that is). It lets the evaluator report reason SPLIT rather than TARGETING_MATCH. A
 * {@code fractional} nested inside any other operator returns the plain value instead.
 *
 * @param value the chosen bucket's value: usually the variant name, or the result of a nested rule
 */
public record Split(Object value) {}
