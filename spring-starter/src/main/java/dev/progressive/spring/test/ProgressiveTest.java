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
 * gets a {@link FlagValueOverrides}, which {@code @FeatureToggle} and the OpenFeature {@code Client} consult; before
 * each test, the class's and the method's {@code @FlagValue}s are set on the test's thread, and they are removed after
 * it. Direct calls to {@code Toggles} see the flags' real values, and so do threads that the test did not start
 * (see {@link FlagValueOverrides}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ProgressiveTestExtension.class)
@ContextCustomizerFactories(ProgressiveTestContextCustomizerFactory.class)
public @interface ProgressiveTest {
}
