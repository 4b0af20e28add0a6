package dev.progressive.parallelrun;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: parallel-run depends on nothing of ours and never on Spring; only it may reach into its internals. */
class ArchitectureTest {

  private final JavaClasses classes = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.progressive.parallelrun");

  @Test
  void noSpringAnywhere() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(classes);
  }

  @Test
  void noOtherProgressiveModule() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.progressive.toggles..", "dev.progressive.canary..", "dev.progressive.spring..")
        .check(classes);
  }

  @Test
  void theDiffPackageStandsAlone() {
    noClasses().that().resideInAPackage("dev.progressive.parallelrun.diff..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.progressive.parallelrun",
            "dev.progressive.parallelrun.http..", "dev.progressive.parallelrun.internal..")
        .check(classes);
  }

  @Test
  void productionCodeNeverUsesTestSupport() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive..test..",
        "dev.progressive.testing..", "org.junit..", "org.assertj..", "com.github.tomakehurst.wiremock..")
        .because("test support ships in its own test-scoped artifacts").check(classes);
  }

  @Test
  void noPublicTypeExtendsAnInternalOne() {
    noClasses().that().arePublic().and().resideOutsideOfPackage("dev.progressive.parallelrun.internal..")
        .should().beAssignableTo(resideInAPackage("dev.progressive..internal.."))
        .because("an internal supertype leaks into the API and is concealed by module-info").check(classes);
  }

  @Test
  void resilience4jObjectsAreHandedOutOnlyWhereAUserConfiguresThem() {
    noMethods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.progressive..internal..")
        .should().haveRawReturnType(resideInAPackage("io.github.resilience4j.."))
        .because("a Resilience4j object in the API is a second way to change what the builder configured")
        .check(classes);
  }

  @Test
  void thePartsBehindExperimentStayPackagePrivate() {
    classes().that().haveSimpleNameStartingWith("AsyncRun").or().haveSimpleNameStartingWith("SequentialRun")
        .or().haveSimpleName("Comparison").or().haveSimpleName("ResultReporter")
        .or().haveSimpleName("CarriedContext").or().haveSimpleName("BehaviorTimer").or().haveSimpleName("Behaviors")
        .should().notBePublic().andShould().resideInAPackage("dev.progressive.parallelrun")
        .check(classes);
  }
}
