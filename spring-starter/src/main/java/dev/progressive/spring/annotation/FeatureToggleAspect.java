package dev.progressive.spring.annotation;

import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.Toggles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.Ordered;

/**
 * Applies {@link FeatureToggle}: evaluates the flag for the call and runs the method, its fallback, or throws
 * {@link FeatureDisabledException}. Its order is {@link #DEFAULT_ORDER} unless set otherwise, so that it runs
 * outside transactions and retries: a switched-off feature neither opens a transaction nor is retried. With
 * {@link FeatureToggle#recordVariants()}, while the flag's variants are recorded, it also records each call's outcome
 * and latency under the variant that served it.
 */
@Aspect
public class FeatureToggleAspect implements Ordered {

  /** The default order: early, before most other advice. */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

  private final Toggles toggles;
  private final int order;
  private final Map<MethodKey, ToggledMethod> methods = new ConcurrentHashMap<>();

  /**
   * Creates the aspect.
   *
   * @param toggles where flags are evaluated
   * @param order its place among the other advice
   */
  public FeatureToggleAspect(Toggles toggles, int order) {
    this.toggles = Objects.requireNonNull(toggles, "toggles");
    this.order = order;
  }

  @Override
  public int getOrder() {
    return order;
  }

  /**
   * Runs around a toggled method.
   *
   * @param call the call
   * @return the method's or the fallback's result
   * @throws Throwable what the method or the fallback throws, or {@link FeatureDisabledException}
   */
  @Around("@annotation(dev.progressive.spring.annotation.FeatureToggle) "
      + "|| @within(dev.progressive.spring.annotation.FeatureToggle)")
  public Object around(ProceedingJoinPoint call) throws Throwable {
    Object target = call.getTarget();
    Method method = ((MethodSignature) call.getSignature()).getMethod();
    Class<?> targetClass = AopUtils.getTargetClass(target);
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    FeatureToggle annotation = ToggledMethod.annotation(targetClass, specific);
    if (annotation == null) {
      return call.proceed();
    }
    ToggledMethod toggled = methods.computeIfAbsent(new MethodKey(targetClass, specific),
        k -> ToggledMethod.resolve(targetClass, specific, annotation));
    Object[] args = call.getArgs();
    if (toggled.recordVariants && toggles.variantRecording().isRecorded(toggled.flag)) {
      return recorded(call, toggled, target, specific, args);
    }
    if (enabled(toggled, target, specific, args)) {
      return call.proceed();
    }
    if (toggled.fallback == null) {
      throw new FeatureDisabledException(toggled.flag, toggled.description);
    }
    try {
      return toggled.fallback.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getTargetException();
    }
  }

  /**
   * The same choice, with the outcome and latency recorded under the variant that served the call. A disabled
   * feature without a fallback served nothing, and records nothing.
   */
  private Object recorded(ProceedingJoinPoint call, ToggledMethod toggled, Object target, Method method,
      Object[] args) throws Throwable {
    Evaluation<Boolean> evaluation = toggles.booleanDetails(toggled.flag, context(toggled, target, method, args),
        false);
    boolean on = Boolean.TRUE.equals(evaluation.value());
    if (!on && toggled.fallback == null) {
      throw new FeatureDisabledException(toggled.flag, toggled.description);
    }
    long start = System.nanoTime();
    boolean success = false;
    try {
      Object result;
      if (on) {
        result = call.proceed();
      } else {
        try {
          result = toggled.fallback.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw e.getTargetException();
        }
      }
      success = true;
      return result;
    } finally {
      toggles.variantRecording().record(toggled.flag, evaluation.variant(), success, System.nanoTime() - start);
    }
  }

  private boolean enabled(ToggledMethod toggled, Object target, Method method, Object[] args) {
    return toggles.isEnabled(toggled.flag, context(toggled, target, method, args));
  }

  private static EvaluationContext context(ToggledMethod toggled, Object target, Method method, Object[] args) {
    if (toggled.key == null && toggled.attributes.isEmpty()) {
      String principal = MethodExpressions.principalName();
      return principal == null ? EvaluationContext.empty()
          : EvaluationContext.builder().targetingKey(principal).build();
    }
    EvaluationContext.Builder builder = EvaluationContext.builder();
    String key = null;
    if (toggled.key != null) {
      Object value = MethodExpressions.evaluate(toggled.key, target, method, args);
      key = value == null ? null : value.toString();
    } else {
      key = MethodExpressions.principalName();
    }
    if (key != null) {
      builder.targetingKey(key);
    }
    toggled.attributes.forEach((name, expression) -> {
      Object value = MethodExpressions.evaluate(expression, target, method, args);
      if (value != null) {
        builder.attribute(name, value);
      }
    });
    return builder.build();
  }

  private record MethodKey(Class<?> type, Method method) {}
}
