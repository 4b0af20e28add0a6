package dev.progressive.spring.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;

/** Finds, for a {@link ParallelRun} or {@link CanaryRouted} method, the candidate bean's method with the same signature. */
final class ParallelRunMethod {

  private ParallelRunMethod() {
  }

  /**
   * Finds the candidate's method.
   *
   * @throws IllegalArgumentException saying what is missing
   */
  static Method candidateMethod(BeanFactory beanFactory, String description, Method method, ParallelRun annotation) {
    if (annotation.name().isBlank()) {
      throw new IllegalArgumentException("@ParallelRun on " + description + " has no name");
    }
    return candidateMethod(beanFactory, "@ParallelRun(name = \"" + annotation.name() + "\")", description, method,
        annotation.candidate());
  }

  /**
   * Finds the method of the bean named {@code candidate} with the same signature as {@code method}.
   *
   * @param what the annotation, for messages, such as {@code @CanaryRouted(name = "x")}
   * @throws IllegalArgumentException saying what is missing
   */
  static Method candidateMethod(BeanFactory beanFactory, String what, String description, Method method,
      String candidate) {
    Class<?> candidateType;
    try {
      candidateType = beanFactory.getType(candidate);
    } catch (NoSuchBeanDefinitionException e) {
      candidateType = null;
    }
    if (candidateType == null) {
      throw new IllegalArgumentException(what + " on " + description + ": no candidate bean named '" + candidate
          + "'");
    }
    Class<?> userType = org.springframework.util.ClassUtils.getUserClass(candidateType);
    for (Method m : userType.getMethods()) {
      if (m.getName().equals(method.getName()) && Arrays.equals(m.getParameterTypes(), method.getParameterTypes())
          && !Modifier.isStatic(m.getModifiers())) {
        return m;
      }
    }
    throw new IllegalArgumentException(what + " on " + description + ": the candidate bean '" + candidate + "' ("
        + userType.getName() + ") has no public method "
        + ToggledMethod.describe(userType, method).substring(userType.getName().length() + 1));
  }

  /** The method to invoke on the candidate bean, which may be a proxy. */
  static Method invocable(Method candidateMethod, Object candidateBean) {
    return AopUtils.selectInvocableMethod(candidateMethod, candidateBean.getClass());
  }
}
