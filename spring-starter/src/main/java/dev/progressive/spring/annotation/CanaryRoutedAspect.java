package dev.progressive.spring.annotation;

import dev.progressive.spring.canary.CanaryRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;

/**
 * Applies {@link CanaryRouted}: each call is routed by the canary's {@code call(key, baseline, canary)}, the baseline being
 * the annotated method and the canary the candidate bean's method of the same signature. The baseline's exceptions
 * reach the caller unchanged; when the canary side throws an unchecked exception, the canary records the error and
 * the baseline answers instead.
 */
@Aspect
public class CanaryRoutedAspect implements Ordered {

  /** The default order: after {@link FeatureToggleAspect}, so that a switched-off feature is not routed. */
  public static final int DEFAULT_ORDER = FeatureToggleAspect.DEFAULT_ORDER + 50;

  private final CanaryRegistry registry;
  private final BeanFactory beanFactory;
  private final int order;
  private final Map<Method, Route> routes = new ConcurrentHashMap<>();

  /**
   * Creates the aspect.
   *
   * @param registry where the canaries are found by name
   * @param beanFactory where candidate beans are found
   * @param order its place among the other advice
   */
  public CanaryRoutedAspect(CanaryRegistry registry, BeanFactory beanFactory, int order) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
    this.order = order;
  }

  @Override
  public int getOrder() {
    return order;
  }

  /**
   * Routes the call to the baseline or the canary side.
   *
   * @param call the call
   * @return the chosen side's result
   * @throws Throwable the chosen side's exception, unchanged
   */
  @Around("@annotation(dev.progressive.spring.annotation.CanaryRouted)")
  public Object around(ProceedingJoinPoint call) throws Throwable {
    Method method = ((MethodSignature) call.getSignature()).getMethod();
    Class<?> targetClass = AopUtils.getTargetClass(call.getTarget());
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    Route route = routes.computeIfAbsent(specific, m -> route(targetClass, m));
    Object[] args = call.getArgs();
    String key;
    if (route.key != null) {
      Object value = MethodExpressions.evaluate(route.key, call.getTarget(), specific, args);
      key = value == null ? null : value.toString();
    } else {
      key = MethodExpressions.principalName();
    }
    if (key == null) {
      return call.proceed();
    }
    try {
      return route.canary.call(key, sneaky(call::proceed), sneaky(() -> invoke(route, args)));
    } catch (SneakyException e) {
      throw e.getCause();
    }
  }

  private Route route(Class<?> targetClass, Method method) {
    CanaryRouted annotation = AnnotatedElementUtils.findMergedAnnotation(method, CanaryRouted.class);
    String description = ToggledMethod.describe(targetClass, method);
    return new Route(beanFactory, registry, annotation, description, method);
  }

  private static Object invoke(Route route, Object[] args) throws Throwable {
    try {
      return route.invocable.invoke(route.candidateBean, args);
    } catch (InvocationTargetException e) {
      throw e.getTargetException();
    }
  }

  private static Supplier<Object> sneaky(ThrowingSupplier supplier) {
    return () -> {
      try {
        return supplier.get();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new SneakyException(t);
      }
    };
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    Object get() throws Throwable;
  }

  /** Carries a checked exception of one side through the supplier to the caller. */
  private static final class SneakyException extends UndeclaredThrowableException {
    SneakyException(Throwable cause) {
      super(cause);
    }
  }

  /** A resolved {@link CanaryRouted} method: its canary, candidate and key expression. */
  static final class Route {
    final dev.progressive.canary.Canary canary;
    final Object candidateBean;
    final Method invocable;
    final Expression key;

    /**
     * Resolves a method's route.
     *
     * @throws IllegalArgumentException saying what is missing
     */
    Route(BeanFactory beanFactory, CanaryRegistry registry, CanaryRouted annotation, String description, Method method) {
      String what = "@CanaryRouted(name = \"" + annotation.name() + "\")";
      this.canary = registry.find(annotation.name()).orElseThrow(() -> new IllegalArgumentException(what + " on "
          + description + ": no canary named '" + annotation.name() + "' (configure progressive.canary.canaries."
          + annotation.name() + " or declare a Canary bean)"));
      Method candidateMethod = ParallelRunMethod.candidateMethod(beanFactory, what, description, method,
          annotation.candidate());
      this.candidateBean = beanFactory.getBean(annotation.candidate());
      this.invocable = ParallelRunMethod.invocable(candidateMethod, candidateBean);
      this.key = annotation.key().isBlank() ? null : MethodExpressions.parse(annotation.key(), what + " on "
          + description + ": key");
    }
  }
}
