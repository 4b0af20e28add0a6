package dev.progressive.release.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
        .importPackages("dev.progressive.release");
  }

  @Test
  void noSpring() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..")
        .because("library modules never import Spring (DESIGN.md)").check(classes);
  }

  @Test
  void usesOnlyThePublicApisOfCanaryParallelRunAndToggles() {
    noClasses().should().dependOnClassesThat(resideInAPackage("dev.progressive.canary.internal..")
            .and(com.tngtech.archunit.base.DescribedPredicate.not(resideInAPackage(
                "dev.progressive.canary.internal.lease.."))))
        .because("release builds on the canary API as it is (DESIGN.md), sharing only the fleet's lease, which "
            + "canary exports to it alone").check(classes);
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive.parallelrun.internal..",
        "dev.progressive.spring..")
        .because("release builds on the parallel-run API as it is (DESIGN.md)").check(classes);
    noClasses().that().doNotHaveSimpleName("PlanDriver").should().dependOnClassesThat()
        .resideInAPackage("dev.progressive.canary.internal.lease..")
        .because("the driver alone holds the plan's lease").check(classes);
    noClasses().that().doNotHaveSimpleName("PlanStateStore").should().dependOnClassesThat()
        .resideInAPackage("dev.progressive.toggles.internal..")
        .because("toggles' internals may change without notice").check(classes);
    noClasses().that().haveSimpleName("PlanStateStore").should().dependOnClassesThat(
        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.progressive.toggles.internal..")
            .and(com.tngtech.archunit.base.DescribedPredicate.not(com.tngtech.archunit.core.domain.JavaClass
                .Predicates.resideInAPackage("dev.progressive.toggles.internal.reserved.."))))
        .because("the state store writes its release.* flag through the one package toggles exports to release")
        .check(classes);
  }

  @Test
  void neverTheGlobalMeterRegistry() {
    noClasses().should().accessField(io.micrometer.core.instrument.Metrics.class, "globalRegistry")
        .because("the application passes its MeterRegistry (STYLE.md)").check(classes);
  }

  @Test
  void eventsKnowNothingOfTheInternals() {
    noClasses().that().resideInAPackage("dev.progressive.release.event..")
        .should().dependOnClassesThat().resideInAPackage("dev.progressive.release.internal..").check(classes);
  }

  @Test
  void productionCodeNeverUsesTestSupport() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.progressive..test..",
        "dev.progressive.testing..", "org.junit..", "org.assertj..")
        .because("test support ships in its own test-scoped artifacts").check(classes);
  }

  @Test
  void noPublicTypeExtendsAnInternalOne() {
    noClasses().that().arePublic().and().resideOutsideOfPackage("dev.progressive.release.internal..")
        .should().beAssignableTo(resideInAPackage("dev.progressive..internal.."))
        .because("an internal supertype leaks into the API and is concealed by module-info").check(classes);
  }
}
