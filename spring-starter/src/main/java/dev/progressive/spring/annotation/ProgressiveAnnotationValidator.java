package dev.progressive.spring.annotation;

import dev.progressive.spring.canary.CanaryRegistry;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks Progressive's annotations on every bean at startup, so that a misconfiguration fails the application's
 * start, naming the bean and the method, rather than its first call:
 *
 * <ul>
 *   <li>{@link FeatureToggle}: an empty flag, an unknown fallback, an expression that does not parse, as each bean
 *       is created;</li>
 *   <li>{@link ParallelRun}: a name used by two methods as each bean is created; a candidate bean that does not
 *       exist or has no method of the same signature once every singleton exists;</li>
 *   <li>{@link CanaryRouted}: an unknown canary, a candidate bean that does not exist or has no method of the same
 *       signature, or a key that does not parse, once every singleton exists.</li>
 * </ul>
 */
public class ProgressiveAnnotationValidator implements BeanPostProcessor, BeanFactoryAware,
    SmartInitializingSingleton {

  private BeanFactory beanFactory;
  private final List<Runnable> candidateChecks = new ArrayList<>();
  private final Map<String, String> experimentNames = new HashMap<>();

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> targetClass = AopUtils.getTargetClass(bean);
    ReflectionUtils.doWithMethods(targetClass, method -> check(beanName, targetClass, method),
        method -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
    return bean;
  }

  private void check(String beanName, Class<?> targetClass, Method method) {
    FeatureToggle toggle = ToggledMethod.annotation(targetClass, method);
    if (toggle != null) {
      try {
        ToggledMethod.resolve(targetClass, method, toggle);
      } catch (IllegalArgumentException e) {
        throw new BeanInitializationException("Bean '" + beanName + "': " + e.getMessage(), e);
      }
    }
    CanaryRouted canary = AnnotatedElementUtils.findMergedAnnotation(method, CanaryRouted.class);
    if (canary != null) {
      synchronized (candidateChecks) {
        candidateChecks.add(() -> checkCanary(beanName, targetClass, method, canary));
      }
    }
    ParallelRun parallelRun = AnnotatedElementUtils.findMergedAnnotation(method, ParallelRun.class);
    if (parallelRun != null) {
      String description = ToggledMethod.describe(targetClass, method);
      String other;
      synchronized (experimentNames) {
        other = experimentNames.putIfAbsent(parallelRun.name(), description);
      }
      if (other != null && !other.equals(description)) {
        throw new BeanInitializationException("Bean '" + beanName + "': @ParallelRun on " + description
            + " uses the name '" + parallelRun.name() + "', which " + other + " uses already");
      }
      synchronized (candidateChecks) {
        candidateChecks.add(() -> {
          try {
            ParallelRunMethod.candidateMethod(beanFactory, description, method, parallelRun);
          } catch (IllegalArgumentException e) {
            throw new BeanInitializationException("Bean '" + beanName + "': " + e.getMessage(), e);
          }
        });
      }
    }
  }

  private void checkCanary(String beanName, Class<?> targetClass, Method method, CanaryRouted canary) {
    String description = ToggledMethod.describe(targetClass, method);
    CanaryRegistry registry = beanFactory.getBeanProvider(CanaryRegistry.class).getIfAvailable();
    try {
      if (registry == null) {
        throw new IllegalArgumentException("@CanaryRouted(name = \"" + canary.name() + "\") on " + description
            + ": canaries are off (no CanaryRegistry bean; see progressive.canary.enabled)");
      }
      new CanaryRoutedAspect.Route(beanFactory, registry, canary, description, method);
    } catch (IllegalArgumentException e) {
      throw new BeanInitializationException("Bean '" + beanName + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void afterSingletonsInstantiated() {
    List<Runnable> checks;
    synchronized (candidateChecks) {
      checks = List.copyOf(candidateChecks);
      candidateChecks.clear();
    }
    checks.forEach(Runnable::run);
  }
}
