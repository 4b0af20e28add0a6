package dev.progressive.spring.release;

import dev.progressive.spring.annotation.ParallelRun;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The parallel-run experiments an application declares but builds only at their first call, so that a verify stage
 * may name them at startup: the names of the {@link ParallelRun} methods of the context's beans (when the
 * {@code @ParallelRun} aspect is on, which builds them), and the names in {@code progressive.parallel-run.experiments}.
 * The beans are not created for this: their classes are read from the bean definitions, as the context resolves
 * them before creating them (for a {@code @Bean} method, its declared return type).
 */
final class DeclaredExperiments {

  static final String ASPECTJ = "org.aspectj.weaver.Advice";
  static final String ASPECT = "dev.progressive.spring.annotation.ParallelRunAspect";

  private DeclaredExperiments() {}

  /** The declared names, sorted. */
  static Set<String> of(ConfigurableListableBeanFactory beanFactory, ProgressiveParallelRunProperties properties) {
    Set<String> names = new TreeSet<>();
    if (properties != null) {
      names.addAll(properties.getExperiments().keySet());
    }
    if (aspectOn(beanFactory)) {
      Set<String> beans = new LinkedHashSet<>(Set.of(beanFactory.getBeanDefinitionNames()));
      beans.addAll(Set.of(beanFactory.getSingletonNames()));
      for (String bean : beans) {
        names.addAll(parallelRuns(beanFactory, bean));
      }
    }
    return names;
  }

  /** Whether {@code @ParallelRun} methods get experiments at all: AspectJ is there and so is the aspect's bean. */
  private static boolean aspectOn(ConfigurableListableBeanFactory beanFactory) {
    ClassLoader loader = beanFactory.getBeanClassLoader();
    if (!ClassUtils.isPresent(ASPECTJ, loader) || !ClassUtils.isPresent(ASPECT, loader)) {
      return false;
    }
    return beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(ASPECT, loader), true, false).length > 0;
  }

  private static Set<String> parallelRuns(ConfigurableListableBeanFactory beanFactory, String bean) {
    Set<String> names = new TreeSet<>();
    try {
      if (beanFactory.containsBeanDefinition(bean) && beanFactory.getBeanDefinition(bean).isAbstract()) {
        return names;
      }
      Class<?> type = beanFactory.getType(bean, false);
      if (type == null) {
        return names;
      }
      ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), (Method method) -> {
        ParallelRun run = AnnotatedElementUtils.findMergedAnnotation(method, ParallelRun.class);
        if (run != null) {
          names.add(run.name());
        }
      }, method -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
    } catch (RuntimeException | LinkageError e) {
      // a bean whose type cannot be resolved or read (an optional class missing) declares nothing we can see
    }
    return names;
  }
}
