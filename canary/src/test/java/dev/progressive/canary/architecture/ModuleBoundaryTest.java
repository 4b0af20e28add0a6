package dev.progressive.canary.architecture;

import dev.progressive.testing.ModuleConsumer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptor exports only the public packages, and a modular consumer can use those but cannot reach an
 * internal type: both proven by compiling a consumer against the built module.
 */
class ModuleBoundaryTest {

  private static final Set<String> EXPORTED = Set.of("dev.progressive.canary", "dev.progressive.canary.event");

  private final ModuleConsumer module = ModuleConsumer.of(Canary.class);

  @Test
  void exportsOnlyThePublicPackagesToEveryone() {
    ModuleDescriptor descriptor = module.descriptor();
    assertThat(descriptor.name()).isEqualTo("dev.progressive.canary");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(EXPORTED);
    assertThat(descriptor.exports().stream().filter(ModuleDescriptor.Exports::isQualified).map(Object::toString))
        .as("the fleet's lease, shared with the release module's driver alone")
        .containsExactly("dev.progressive.canary.internal.lease to [dev.progressive.release]");
    assertThat(module.concealedPackages()).isNotEmpty()
        .allSatisfy(p -> assertThat(p).startsWith("dev.progressive.canary.internal"));
  }

  @Test
  void aConsumerCompilesAgainstThePublicApi(@TempDir Path dir) throws Exception {
    List<Diagnostic<? extends JavaFileObject>> errors = module.compile(dir, """
          dev.progressive.canary.Canary canary = null;
          dev.progressive.canary.event.VerdictReported verdict = null;
          dev.progressive.toggles.Toggles toggles = null;
          io.micrometer.core.instrument.MeterRegistry registry = null;
        """);

    assertThat(errors).as(ModuleConsumer.describe(errors)).isEmpty();
  }

  @Test
  void aConsumerCannotReachAnInternalType(@TempDir Path dir) throws Exception {
    Set<String> concealed = module.concealedPackages();
    String fields = concealed.stream().map(module::aPublicClassIn)
        .map(type -> "  " + type + " field" + Math.abs(type.hashCode()) + ";")
        .collect(Collectors.joining("\n"));

    List<Diagnostic<? extends JavaFileObject>> errors = module.compile(dir, fields);

    assertThat(errors).as(ModuleConsumer.describe(errors)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getCode()).isEqualTo("compiler.err.package.not.visible"));
    assertThat(errors.stream().map(e -> e.getMessage(null)))
        .as("every concealed package is refused")
        .allSatisfy(m -> assertThat(m).contains("is declared in module dev.progressive.canary, which does not export it"))
        .hasSize(concealed.size());
    for (String pkg : concealed) {
      assertThat(errors).as(pkg).anySatisfy(e -> assertThat(e.getMessage(null)).contains("package " + pkg + " "));
    }
  }
}
