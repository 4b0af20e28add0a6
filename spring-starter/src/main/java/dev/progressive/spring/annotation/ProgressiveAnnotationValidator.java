package dev.progressive.spring.annotation;

import java.lang.reflect.Method;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every bean's {@link FeatureToggle} annotations as the bean is created, so that an empty flag, an unknown
 * fallback or an expression that does not parse fails the application's startup, naming the bean and the method,
 * rather than its first call.
 */
public class ProgressiveAnnotationValidator implements BeanPostProcessor {

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> targetClass = AopUtils.getTargetClass(bean);
    ReflectionUtils.doWithMethods(targetClass, method -> check(beanName, targetClass, method),
        method -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
    return bean;
  }

  private static void check(String beanName, Class<?> targetClass, Method method) {
    FeatureToggle toggle = ToggledMethod.annotation(targetClass, method);
    if (toggle == null) {
      return;
    }
    try {
      ToggledMethod.resolve(targetClass, method, toggle);
    } catch (IllegalArgumentException e) {
      throw new BeanInitializationException("Bean '" + beanName + "': " + e.getMessage(), e);
    }
  }
}
