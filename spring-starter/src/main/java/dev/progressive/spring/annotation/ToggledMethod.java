package dev.progressive.spring.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What a {@link FeatureToggle} means for one method of one class: the flag, the fallback and the parsed expressions.
 * Resolving it checks everything that can be checked before a call, so that a misconfiguration fails at startup.
 */
final class ToggledMethod {

  final String flag;
  final Method fallback;
  final Expression key;
  final Map<String, Expression> attributes;
  final String description;
  /** Whether calls are recorded per variant ({@link FeatureToggle#recordVariants()}). */
  final boolean recordVariants;

  private ToggledMethod(String flag, Method fallback, Expression key, Map<String, Expression> attributes,
      String description, boolean recordVariants) {
    this.flag = flag;
    this.fallback = fallback;
    this.key = key;
    this.attributes = attributes;
    this.description = description;
    this.recordVariants = recordVariants;
  }

  /** The annotation that applies to the method: its own, else its class's; null when none applies. */
  static FeatureToggle annotation(Class<?> targetClass, Method method) {
    FeatureToggle own = AnnotatedElementUtils.findMergedAnnotation(method, FeatureToggle.class);
    if (own != null) {
      return own;
    }
    if (!Modifier.isPublic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
      return null;
    }
    FeatureToggle onType = AnnotatedElementUtils.findMergedAnnotation(targetClass, FeatureToggle.class);
    if (onType != null && method.getName().equals(onType.fallbackMethod())) {
      return null;  // a type's fallback methods are not toggled themselves
    }
    return onType;
  }

  /**
   * Resolves and checks the annotation of a method.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static ToggledMethod resolve(Class<?> targetClass, Method method, FeatureToggle toggle) {
    String description = describe(targetClass, method);
    if (toggle.flag().isBlank()) {
      throw new IllegalArgumentException("@FeatureToggle on " + description + " names no flag");
    }
    Method fallback = null;
    if (!toggle.fallbackMethod().isEmpty()) {
      fallback = findFallback(targetClass, method, toggle.fallbackMethod());
      if (fallback == null) {
        throw new IllegalArgumentException("@FeatureToggle on " + description + ": no fallback method "
            + toggle.fallbackMethod() + "(" + parameters(method) + ") returning "
            + method.getReturnType().getSimpleName() + " in " + targetClass.getName());
      }
      ReflectionUtils.makeAccessible(fallback);
    }
    Expression key = toggle.key().isBlank() ? null
        : MethodExpressions.parse(toggle.key(), "@FeatureToggle on " + description + ": key");
    Map<String, Expression> attributes = new LinkedHashMap<>();
    for (String attribute : toggle.attributes()) {
      int eq = attribute.indexOf('=');
      if (eq <= 0 || eq == attribute.length() - 1) {
        throw new IllegalArgumentException("@FeatureToggle on " + description + ": attribute '" + attribute
            + "' must be name=expression");
      }
      String name = attribute.substring(0, eq).trim();
      attributes.put(name, MethodExpressions.parse(attribute.substring(eq + 1).trim(),
          "@FeatureToggle on " + description + ": attribute " + name));
    }
    return new ToggledMethod(toggle.flag(), fallback, key, Map.copyOf(attributes), description,
        toggle.recordVariants());
  }

  private static Method findFallback(Class<?> targetClass, Method method, String name) {
    Class<?> type = targetClass;
    while (type != null && type != Object.class) {
      for (Method candidate : type.getDeclaredMethods()) {
        if (candidate.getName().equals(name) && !candidate.equals(method)
            && Arrays.equals(candidate.getParameterTypes(), method.getParameterTypes())
            && ClassUtils.isAssignable(method.getReturnType(), candidate.getReturnType())
            && !Modifier.isStatic(candidate.getModifiers())) {
          return candidate;
        }
      }
      type = type.getSuperclass();
    }
    return null;
  }

  static String describe(Class<?> targetClass, Method method) {
    return targetClass.getName() + "." + method.getName() + "(" + parameters(method) + ")";
  }

  private static String parameters(Method method) {
    return Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "));
  }
}
