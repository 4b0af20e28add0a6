package dev.progressive.toggles.architecture;

import dev.progressive.testing.ModuleConsumer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.Toggles;
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

  private static final Set<String> EXPORTED = Set.of("dev.progressive.toggles", "dev.progressive.toggles.bucketing",
      "dev.progressive.toggles.event", "dev.progressive.toggles.source", "dev.progressive.toggles.store");

  private final ModuleConsumer module = ModuleConsumer.of(Toggles.class);

  @Test
  void exportsOnlyThePublicPackagesToEveryone() {
    ModuleDescriptor descriptor = module.descriptor();
    assertThat(descriptor.name()).isEqualTo("dev.progressive.toggles");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(EXPORTED);
    // one qualified export: the canary and release modules' way of writing their own canary.* and release.* flags
    assertThat(descriptor.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
        .map(e -> e.source() + " to " + new java.util.TreeSet<>(e.targets())))
        .containsExactly("dev.progressive.toggles.internal.reserved to [dev.progressive.canary, dev.progressive.release]");
    assertThat(module.concealedPackages()).isNotEmpty()
        .allSatisfy(p -> assertThat(p).startsWith("dev.progressive.toggles.internal."));
  }

  @Test
  void aConsumerCompilesAgainstThePublicApi(@TempDir Path dir) throws Exception {
    List<Diagnostic<? extends JavaFileObject>> errors = module.compile(dir, """
          dev.progressive.toggles.Toggles toggles = dev.progressive.toggles.Toggles.builder()
              .source(dev.progressive.toggles.source.InMemorySource.of("{\\"flags\\":{}}")).build();
          dev.progressive.toggles.source.FlagSource file =
              dev.progressive.toggles.source.FileSource.of(java.nio.file.Path.of("flags.json"));
          dev.openfeature.sdk.FeatureProvider provider = null;
          io.micrometer.core.instrument.MeterRegistry registry = null;
          AutoCloseable listening = toggles.onChange((dev.progressive.toggles.event.FlagsChanged e) -> e.keys());
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
        .allSatisfy(m -> assertThat(m).contains("is declared in module dev.progressive.toggles, which does not export it"))
        .hasSize(concealed.size());
    for (String pkg : concealed) {
      assertThat(errors).as(pkg).anySatisfy(e -> assertThat(e.getMessage(null)).contains("package " + pkg + " "));
    }
  }
}
