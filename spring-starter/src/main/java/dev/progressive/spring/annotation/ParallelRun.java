package dev.progressive.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a candidate beside the annotated method, with the same arguments, and compares their results; the caller
 * always gets the annotated method's result or exception.
 *
 * <pre>{@code
 * @ParallelRun(name = "pricing", candidate = "newPricing")
 * public Price price(long orderId) { ... }     // in the bean that answers
 *
 * // in the bean named "newPricing": the method with the same name and parameter types
 * public Price price(long orderId) { ... }
 * }</pre>
 *
 * <p>The experiment runs on the application's {@code ParallelRunner}, with the options of
 * {@code progressive.parallel-run.experiments.<name>.*}, and its counts and mismatches show in the
 * {@code parallelruns} actuator endpoint. A candidate bean that does not exist, or has no method of the same name,
 * parameter types and a comparable return type, or a name used by two methods, fails the application's startup
 * with a message naming the bean and the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ParallelRun {

  /** The experiment's name: its meters' {@code experiment} tag and its name in the endpoint. */
  String name();

  /** The name of the candidate bean. */
  String candidate();
}
