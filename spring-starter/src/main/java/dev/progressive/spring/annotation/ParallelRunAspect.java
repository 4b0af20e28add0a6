package dev.progressive.spring.annotation;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties.ExperimentOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Applies {@link ParallelRun}: each annotated method gets one experiment on the application's
 * {@link ParallelRunner}, built at its first call, whose control is the method itself and whose candidate is the
 * candidate bean's method with the same signature. The caller gets the method's result or exception unchanged.
 * The candidate gets the same argument objects, so it must not change them.
 */
@Aspect
public class ParallelRunAspect implements Ordered {

  /** The default order: after {@link FeatureToggleAspect}, so that a switched-off feature runs no experiment. */
  public static final int DEFAULT_ORDER = FeatureToggleAspect.DEFAULT_ORDER + 100;

  private final ParallelRunner runner;
  private final ProgressiveParallelRunProperties properties;
  private final BeanFactory beanFactory;
  private final int order;
  private final Map<Method, Experiment<ProceedingJoinPoint, Object, Object>> experiments = new ConcurrentHashMap<>();

  /**
   * Creates the aspect.
   *
   * @param runner the runner candidates run on
   * @param properties the experiments' options by name
   * @param beanFactory where candidate beans are found
   * @param order its place among the other advice
   */
  public ParallelRunAspect(ParallelRunner runner, ProgressiveParallelRunProperties properties,
      BeanFactory beanFactory, int order) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
    this.order = order;
  }

  @Override
  public int getOrder() {
    return order;
  }

  /**
   * Runs the method as the control of its experiment.
   *
   * @param call the call
   * @return the method's result
   * @throws Throwable the method's exception, unchanged
   */
  @Around("@annotation(dev.progressive.spring.annotation.ParallelRun)")
  public Object around(ProceedingJoinPoint call) throws Throwable {
    Method method = ((MethodSignature) call.getSignature()).getMethod();
    Class<?> targetClass = AopUtils.getTargetClass(call.getTarget());
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    Experiment<ProceedingJoinPoint, Object, Object> experiment =
        experiments.computeIfAbsent(specific, m -> build(targetClass, m));
    return experiment.run(call);
  }

  private Experiment<ProceedingJoinPoint, Object, Object> build(Class<?> targetClass, Method method) {
    ParallelRun annotation = AnnotatedElementUtils.findMergedAnnotation(method, ParallelRun.class);
    String description = ToggledMethod.describe(targetClass, method);
    Method candidateMethod = ParallelRunMethod.candidateMethod(beanFactory, description, method, annotation);
    Object candidateBean = beanFactory.getBean(annotation.candidate());
    Method invocable = ParallelRunMethod.invocable(candidateMethod, candidateBean);
    ExperimentOptions options = properties.getExperiments().getOrDefault(annotation.name(), new ExperimentOptions());
    return Experiment.<ProceedingJoinPoint, Object, Object>builder(annotation.name(), runner)
        .control(ParallelRunAspect::proceed)
        .candidate(annotation.candidate(), call -> invoke(invocable, candidateBean, call.getArgs()))
        .enabled(options::isEnabled)
        .sampleRate(options.getSampleRate())
        .keepMismatches(options.getKeepMismatches())
        .diffOptions(DiffOptions.builder()
            .ignorePaths(options.getIgnorePaths().toArray(String[]::new))
            .ignoreArrayOrder(options.isIgnoreArrayOrder())
            .build())
        .context("method", description)
        .build();
  }

  private static Object proceed(ProceedingJoinPoint call) throws Exception {
    try {
      return call.proceed();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new UndeclaredThrowableException(t);
    }
  }

  private static Object invoke(Method method, Object bean, Object[] args) throws Exception {
    try {
      return method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getTargetException();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
