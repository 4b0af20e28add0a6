package dev.progressive.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method only while a boolean flag is on for the call's evaluation context.
 *
 * <p>When the flag is off, the {@link #fallbackMethod()} of the same bean runs with the same arguments; without a
 * fallback, {@link FeatureDisabledException} is thrown, which Spring MVC answers with 404. On a type, it applies to
 * every public method of the bean; an annotation on a method wins over the type's.
 *
 * <pre>{@code
 * @FeatureToggle(flag = "new-checkout", fallbackMethod = "legacyCheckout", key = "#order.customerId",
 *     attributes = {"tier=#order.tier", "country=#request.getHeader('X-Country')"})
 * public Receipt checkout(Order order) { ... }
 *
 * Receipt legacyCheckout(Order order) { ... }
 * }</pre>
 *
 * <p>Expressions are SpEL over the method's arguments (by name, or {@code #a0}, {@code #p0}), with {@code #request}
 * (the current {@code HttpServletRequest}, or null outside a request) and {@code #principal} (the authenticated
 * principal, or null). With {@code recordVariants = true}, a guarded feature rollout of the flag (a release plan's
 * {@code Stage.featureRollout}) judges the calls per variant. A misconfiguration (an empty flag, an unknown fallback, an expression that does not parse)
 * fails at startup with a message naming the bean and the method.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface FeatureToggle {

  /** The key of a boolean flag. */
  String flag();

  /**
   * The name of a method of the same bean, with the same parameter types and a compatible return type, to run when
   * the flag is off. Empty: throw {@link FeatureDisabledException}.
   */
  String fallbackMethod() default "";

  /**
   * A SpEL expression for the targeting key, which {@code fractional} rules bucket by. Empty: the authenticated
   * principal's name, if any.
   */
  String key() default "";

  /** Attributes of the evaluation context, each {@code name=expression}, e.g. {@code "tier=#customer.tier"}. */
  String[] attributes() default {};

  /**
   * Whether the outcome (success, or an exception thrown) and the latency of each call are recorded under the
   * variant that served it (the method's or the fallback's), through {@code Toggles.variantRecording()}: what a
   * release plan's guarded feature rollout of this flag judges. Recorded only while something (the rollout) has
   * registered a recorder for the flag; otherwise, and when false (the default), the call costs what it always did.
   */
  boolean recordVariants() default false;
}
