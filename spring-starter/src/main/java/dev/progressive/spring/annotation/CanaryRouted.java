package dev.progressive.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes each call of the annotated method through a canary release: the baseline is the annotated method, the canary
 * is the candidate bean's method with the same name and parameter types, called with the same arguments.
 *
 * <pre>{@code
 * @CanaryRouted(name = "checkout-v2", candidate = "newCheckout", key = "#order.customerId")
 * public Receipt checkout(Order order) { ... }   // the baseline
 * }</pre>
 *
 * <p>The canary is the {@code dev.progressive.canary.Canary} of that name in the application's {@code CanaryRegistry}
 * (configured under {@code progressive.canary.canaries.<name>} or declared as a bean); its weight decides the side
 * and its judge sees both sides' outcomes. An unknown canary, or a candidate bean that does not exist or has no
 * method of the same signature, fails the application's startup with a message naming the bean and the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CanaryRouted {

  /** The canary release's name. */
  String name();

  /** The name of the bean whose method of the same signature is the canary side. */
  String candidate();

  /**
   * A SpEL expression for the routing key, over the method's parameters ({@code #order}), {@code #request} and
   * {@code #principal}, as {@link FeatureToggle#key()}. Empty: the authenticated principal's name. A call without
   * a key (no principal, or the expression gives null) goes to the baseline.
   */
  String key() default "";
}
