package dev.progressive.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sets a flag's value for one test (on a method) or for every test of a class (on the class; a method's value for
 * the same key wins). Needs {@link ProgressiveTest}. Values are text: {@code "true"}/{@code "false"} for boolean
 * flags, the value itself for strings, digits for numbers.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Repeatable(FlagValues.class)
public @interface FlagValue {

  /** The flag's key; it must be a flag that the application's {@code Toggles} knows. */
  String key();

  /** The value, as text. */
  String value();
}
