package dev.progressive.spring.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The starter's main jar, checked on its compiled classes: it carries no test support and never calls into it. */
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
}
