package dev.progressive.canary.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of DESIGN.md for this module, checked on its compiled classes. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.progressive.canary");
  }

  @Test
  void noSpring() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..")
        .because("library modules never import Spring (DESIGN.md)").check(classes);
  }

  @Test
  void dependsOnTogglesButOnNoOtherProgressiveModule() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive.parallelrun..",
        "dev.progressive.spring..")
        .because("dependencies run one way: spring-starter -> canary -> toggles").check(classes);
  }

  @Test
  void usesOnlyThePublicApiOfTogglesButForTheCanaryFlagWrites() {
    noClasses().that().doNotHaveSimpleName("CanaryStateStore").should().dependOnClassesThat()
        .resideInAPackage("dev.progressive.toggles.internal..")
        .because("toggles' internals may change without notice").check(classes);
    noClasses().that().haveSimpleName("CanaryStateStore").should().dependOnClassesThat(
        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.progressive.toggles.internal..")
            .and(com.tngtech.archunit.base.DescribedPredicate.not(com.tngtech.archunit.core.domain.JavaClass
                .Predicates.resideInAPackage("dev.progressive.toggles.internal.reserved.."))))
        .because("the state store writes its canary.* flag through the one package toggles exports to canary")
        .check(classes);
  }

  @Test
  void neverTheGlobalMeterRegistry() {
    noClasses().should().accessField(io.micrometer.core.instrument.Metrics.class, "globalRegistry")
        .because("the application passes its MeterRegistry (STYLE.md)").check(classes);
  }

  @Test
  void eventsKnowNothingOfTheInternals() {
    noClasses().that().resideInAPackage("dev.progressive.canary.event..")
        .should().dependOnClassesThat().resideInAPackage("dev.progressive.canary.internal..").check(classes);
  }

  @Test
  void productionCodeNeverUsesTestSupport() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive..test..",
        "dev.progressive.testing..", "org.junit..", "org.assertj..", "com.github.tomakehurst.wiremock..")
        .because("test support ships in its own test-scoped artifacts").check(classes);
  }

  @Test
  void noPublicTypeExtendsAnInternalOne() {
    noClasses().that().arePublic().and().resideOutsideOfPackage("dev.progressive.canary.internal..")
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
}
