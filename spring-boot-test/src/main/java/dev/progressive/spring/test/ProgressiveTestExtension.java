package dev.progressive.spring.test;

import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.Toggles;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Sets the {@link FlagValue}s of a test before it runs, on its thread, and removes them after it. Class values
 * (outer classes first, then the test's class) are overridden by the method's for the same key. An unknown key, a
 * value that does not fit its flag's type, and a {@code Toggles} bean that does not ask the values fail the test
 * before it runs.
 */
public class ProgressiveTestExtension implements BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ProgressiveTestExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    Map<String, String> values = new LinkedHashMap<>();
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
      classes.add(0, c);
    }
    classes.forEach(c -> collect(c, values));
    collect(context.getRequiredTestMethod(), values);
    if (values.isEmpty()) {
      return;
    }
    ApplicationContext spring = SpringExtension.getApplicationContext(context);
    FlagValueOverrides overrides = spring.getBeanProvider(FlagValueOverrides.class).getIfAvailable();
    if (overrides == null) {
      throw new IllegalStateException("@FlagValue needs @ProgressiveTest on the test class");
    }
    Toggles toggles = spring.getBeanProvider(Toggles.class).getIfAvailable();
    if (toggles != null) {
      Set<String> keys = toggles.keys();
      for (String key : values.keySet()) {
        if (!keys.contains(key)) {
          throw new IllegalArgumentException("@FlagValue(key = \"" + key + "\"): no such flag; the flags are "
              + keys);
        }
      }
    }
    FlagValueOverrides.Scope scope = overrides.set(values);
    if (toggles != null) {
      try {
        check(toggles, values);
      } catch (RuntimeException e) {
        scope.close();
        throw e;
      }
    }
    context.getStore(NAMESPACE).put(FlagValueOverrides.Scope.class, scope);
  }

  /**
   * Fails when a value does not fit its flag's type, or when the context's {@code Toggles} does not ask the layer
   * (a {@code Toggles} bean of the application's, built without it). Layered answers are not counted in the meters.
   */
  private static void check(Toggles toggles, Map<String, String> values) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      Evaluation<Object> answer = toggles.evaluate(e.getKey(), EvaluationContext.empty());
      if (FlagValueLayer.VARIANT.equals(answer.variant())) {
        continue;
      }
      if (answer.errorCode() == ErrorCode.TYPE_MISMATCH && answer.errorMessage() != null
          && answer.errorMessage().contains("value layer")) {
        throw new IllegalArgumentException("@FlagValue(key = \"" + e.getKey() + "\", value = \"" + e.getValue()
            + "\"): " + answer.errorMessage());
      }
      throw new IllegalStateException("@FlagValue(key = \"" + e.getKey() + "\") is not seen by the context's "
          + "Toggles bean: build it with Toggles.Builder#valueLayer(FlagValueLayer), passing the context's "
          + "FlagValueLayer bean, as the starter's own Toggles bean does");
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FlagValueOverrides.Scope scope = context.getStore(NAMESPACE)
        .remove(FlagValueOverrides.Scope.class, FlagValueOverrides.Scope.class);
    if (scope != null) {
      scope.close();
    }
  }

  private static void collect(AnnotatedElement element, Map<String, String> values) {
    for (FlagValue value : AnnotatedElementUtils.findMergedRepeatableAnnotations(element, FlagValue.class)) {
      values.put(value.key(), value.value());
    }
  }
}
