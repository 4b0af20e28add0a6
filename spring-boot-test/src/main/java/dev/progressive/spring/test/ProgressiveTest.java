package dev.progressive.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Turns on {@link FlagValue} for a Spring test class ({@code @SpringBootTest} or another Spring test). Its context
 * gets a {@link FlagValueOverrides}, the {@code FlagValueLayer} that the starter builds {@code Toggles} with, so that
 * the native {@code Toggles} API, {@code @FeatureToggle} and the OpenFeature {@code Client} all see the test's values;
 * before each test, the class's and the method's {@code @FlagValue}s are set on the test's thread, and they are
 * removed after it. Threads that the test did not start see the flags' real values (see
 * {@link FlagValueOverrides}). An application that declares its own {@code Toggles} bean passes the context's
 * {@code FlagValueLayer} to {@code Toggles.Builder#valueLayer} itself.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ProgressiveTestExtension.class)
@ContextCustomizerFactories(ProgressiveTestContextCustomizerFactory.class)
public @interface ProgressiveTest {
}
