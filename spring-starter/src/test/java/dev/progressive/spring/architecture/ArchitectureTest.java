package dev.progressive.spring.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * The starter's main jar, checked on its compiled classes: it carries no test support and never calls into it, and
 * it is laid out by feature: each auto-configuration in its feature's package, registered, and the root package
 * holding only what several features share.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.progressive.spring");
  }

  @Test
  void productionCodeDoesNotDependOnTestSupport() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive.spring.test..",
            "dev.progressive.testing..", "org.springframework.test..", "org.springframework.boot.test..",
            "org.junit..")
        .because("test support lives in progressive-spring-boot-test, which applications take in test scope; "
            + "tests reach production through Toggles.Builder#valueLayer")
        .check(classes);
  }

  @Test
  void theMainJarHoldsNoTestSupportPackage() {
    assertThat(classes.stream().map(JavaClass::getPackageName))
        .as("the starter's own classes were imported").contains("dev.progressive.spring")
        .noneMatch(p -> p.equals("dev.progressive.spring.test") || p.startsWith("dev.progressive.spring.test."));
  }

  @Test
  void theRootPackageHoldsOnlyWhatSeveralFeaturesShare() {
    classes().that().resideInAPackage(ROOT).and().areTopLevelClasses()
        .and(DescribedPredicate.describe("are not package-info", c -> !c.getSimpleName().equals("package-info")))
        .should(beUsedByAtLeastTwoFeaturePackages())
        .because("a type that one feature alone uses belongs in that feature's package")
        .check(classes);
    noClasses().that().resideInAPackage(ROOT).should().beAnnotatedWith(AutoConfiguration.class)
        .because("each auto-configuration lives in its feature's package")
        .check(classes);
  }

  @Test
  void everyAutoConfigurationLivesInAFeaturePackageAndIsRegistered() throws IOException {
    List<String> registered;
    try (InputStream in = ArchitectureTest.class.getResourceAsStream(
        "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
      assertThat(in).as("the imports file").isNotNull();
      registered = Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R"))
          .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }
    Set<String> annotated = classes.stream().filter(c -> c.isAnnotatedWith(AutoConfiguration.class))
        .map(JavaClass::getName).collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).as("AutoConfiguration.imports").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(annotated);
    assertThat(annotated).allSatisfy(name -> assertThat(featureOf(name)).as(name).isNotNull())
        .extracting(ArchitectureTest::featureOf)
        .contains("toggles", "openfeature", "canary", "parallelrun", "shadow", "security", "console");
  }

  private static final String ROOT = "dev.progressive.spring";

  /** The feature package that a class of the starter lives in ("toggles"), or null for the root package. */
  private static String featureOf(String className) {
    String rest = className.substring(ROOT.length());
    if (!rest.startsWith(".") || rest.indexOf('.', 1) < 0) {
      return null;
    }
    return rest.substring(1, rest.indexOf('.', 1));
  }

  private static ArchCondition<JavaClass> beUsedByAtLeastTwoFeaturePackages() {
    return new ArchCondition<>("be used by at least two feature packages") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        Set<String> features = new TreeSet<>();
        for (Dependency dependency : type.getDirectDependenciesToSelf()) {
          String origin = dependency.getOriginClass().getName();
          if (origin.startsWith(ROOT + ".")) {
            String feature = featureOf(origin);
            if (feature != null) {
              features.add(feature);
            }
          }
        }
        boolean shared = features.size() >= 2;
        events.add(new SimpleConditionEvent(type, shared, type.getName() + " is used by "
            + (features.isEmpty() ? "no feature package" : "the feature packages " + features)));
      }
    };
  }
}
