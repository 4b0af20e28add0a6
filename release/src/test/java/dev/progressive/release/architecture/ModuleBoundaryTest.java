package dev.progressive.release.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.release.ReleasePlan;
import dev.progressive.testing.ModuleConsumer;
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

  private static final Set<String> EXPORTED = Set.of("dev.progressive.release", "dev.progressive.release.event");

  private final ModuleConsumer module = ModuleConsumer.of(ReleasePlan.class);

  @Test
  void exportsOnlyThePublicPackagesToEveryone() {
    ModuleDescriptor descriptor = module.descriptor();
    assertThat(descriptor.name()).isEqualTo("dev.progressive.release");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(EXPORTED);
    assertThat(module.concealedPackages()).isNotEmpty()
        .allSatisfy(p -> assertThat(p).startsWith("dev.progressive.release.internal"));
  }

  @Test
  void aConsumerCompilesAgainstThePublicApiAndTheModulesItBuildsOn(@TempDir Path dir) throws Exception {
    List<Diagnostic<? extends JavaFileObject>> errors = module.compile(dir, """
          dev.progressive.release.ReleasePlan plan = null;
          dev.progressive.release.Stage.Builder stage = dev.progressive.release.Stage.dark();
          dev.progressive.release.event.ReleaseTransition transition = null;
          dev.progressive.canary.Canary canary = null;
          dev.progressive.parallelrun.ParallelRunner runner = null;
          dev.progressive.toggles.Toggles toggles = null;
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
    for (String pkg : concealed) {
      assertThat(errors).as(pkg).anySatisfy(e -> assertThat(e.getMessage(null)).contains("package " + pkg + " "));
    }
  }
}
